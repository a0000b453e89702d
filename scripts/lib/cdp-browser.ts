// A bare Chrome DevTools Protocol client for measurements: launches Debian's Chromium with
// the project's flags and drives one page, the way Browser Rendering does, minus the Worker.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const CHROMIUM = "/usr/lib/chromium/chromium";
const FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
  "--disable-quic",
  // As in the Miniflare shim (scripts/setup/system.sh): screenshots need not wait for vsync.
  "--disable-frame-rate-limit",
  "--disable-gpu-vsync",
  "--hide-scrollbars",
  "--mute-audio",
  // As in the shim: a script blow-up crashes its page instead of growing towards all memory.
  "--js-flags=--max-old-space-size=1024",
  "--remote-debugging-port=0",
];

export class CdpPage {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, ((params: any) => void)[]>();
  private readonly ws: WebSocket;
  private readonly child: ChildProcess;
  private readonly profile: string;
  private sessionId = "";

  private constructor(ws: WebSocket, child: ChildProcess, profile: string) {
    this.ws = ws;
    this.child = child;
    this.profile = profile;
  }

  /** `dropFlags` removes some of the project's flags (a benchmark trying GPU emulation, say). */
  static async launch(extraFlags: string[] = [], dropFlags: string[] = []): Promise<CdpPage> {
    const profile = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-cdp-"));
    const args = [...FLAGS.filter((f) => !dropFlags.includes(f)), ...extraFlags, `--user-data-dir=${profile}`, "about:blank"];
    const child = spawn(CHROMIUM, args, { stdio: ["ignore", "ignore", "pipe"] });
    const wsUrl = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr!.on("data", (d: Buffer) => {
        err += d.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`chromium exited (${code}): ${err.slice(-500)}`)));
    });
    const ws = new WebSocket(wsUrl);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve);
      ws.addEventListener("error", reject);
    });
    const page = new CdpPage(ws, child, profile);
    ws.addEventListener("message", (event) => page.dispatch(JSON.parse(String(event.data))));
    const { targetId } = await page.send("Target.createTarget", { url: "about:blank" }, "");
    page.sessionId = (await page.send("Target.attachToTarget", { targetId, flatten: true }, "")).sessionId;
    await page.send("Page.enable");
    return page;
  }

  private dispatch(msg: { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown }) {
    if (msg.id !== undefined) {
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) waiter?.reject(new Error(msg.error.message));
      else waiter?.resolve(msg.result);
    } else if (msg.method) {
      for (const listener of this.listeners.get(msg.method) ?? []) listener(msg.params);
    }
  }

  send(method: string, params: object = {}, sessionId = this.sessionId): Promise<any> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** Navigates to `url` and waits for its load event. */
  async navigate(url: string): Promise<void> {
    const loaded = this.once("Page.loadEventFired");
    await this.send("Page.navigate", { url });
    await loaded;
  }

  /** Calls `listener` for every `method` event until the page closes. */
  on(method: string, listener: (params: any) => void): void {
    const list = this.listeners.get(method) ?? [];
    list.push(listener);
    this.listeners.set(method, list);
  }

  once(method: string): Promise<any> {
    return new Promise((resolve) => {
      const list = this.listeners.get(method) ?? [];
      list.push(resolve);
      this.listeners.set(method, list);
    });
  }

  async evaluate(expression: string): Promise<unknown> {
    const { result, exceptionDetails } = await this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) throw new Error(exceptionDetails.text);
    return result.value;
  }

  async close(): Promise<void> {
    this.ws.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await exited;
    }
    // Chromium's helper processes may still be letting go of the profile for a moment.
    await fs.rm(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
