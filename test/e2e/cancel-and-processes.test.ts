// Cancelling stops work, a dead encoder comes back, and a stopped stack leaves no process —
// on the real local stack, counting the stack's processes by its marker (stack-processes.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import { bootStack, freePort, type E2EStack } from "./local-stack.ts";
import { probeVideo } from "../support/media.ts";
import { localR2Keys } from "../support/r2-local.ts";
import { startLocalStack } from "../../scripts/lib/local-stack.ts";
import { isChromium, listStackProcesses, type StackProcess } from "../../scripts/lib/stack-processes.ts";
import type { ApiClient } from "../../scripts/lib/api-client.ts";

/** A 320×180 composition of `seconds` (at 10 fps: ten frames a second to capture). Its clock is
 *  the frame's time (the page driver's), so length is what makes a capture long. */
function composition(seconds: number): Uint8Array {
  const html = `<!doctype html><html><head><style>html, body { margin: 0; }</style></head><body>
  <div id="root" data-composition-id="slow" data-width="320" data-height="180" data-duration="${seconds}"
       style="position: relative; width: 320px; height: 180px; background: rgb(20, 40, 80)">
    <div id="t" style="font: 40px sans-serif; color: white"></div>
  </div>
  <script>
    window.__timelines = window.__timelines || {};
    window.__timelines.slow = {
      duration: () => ${seconds},
      pause() {},
      seek(t) {
        document.getElementById("t").textContent = t.toFixed(1);
      },
    };
  </script>
</body></html>`;
  return zipSync({ "index.html": strToU8(html) });
}

const isFfmpeg = (p: StackProcess) => p.name === "ffmpeg";

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startRender(client: ApiClient, zip: Uint8Array): Promise<string> {
  const { asset_id } = await client.uploadZip(zip);
  const { render_id } = await client.createRender({ project: { type: "asset_id", asset_id }, fps: 10, quality: "draft" });
  return render_id;
}

/** Waits until the render's capture is under way: frames captured, browser and FFmpeg running. */
async function waitForCapture(stack: E2EStack, renderId: string, minProgress: number): Promise<void> {
  let seen = "";
  try {
    await waitFor(`render ${renderId} capturing`, async () => {
      const render = await stack.client.getRender(renderId);
      if (render.status === "failed" || render.status === "completed") throw new Error(`render ended early: ${render.status} ${render.failure_message ?? ""}`);
      const running = await stack.processes();
      seen = `${render.status} ${render.progress}, ${running.filter(isChromium).length} browser and ${running.filter(isFfmpeg).length} FFmpeg processes`;
      return render.progress >= minProgress && running.some(isChromium) && running.some(isFfmpeg);
    }, 120_000);
  } catch (err) {
    throw new Error(`${(err as Error).message} (last seen: ${seen})\n${stack.logs.slice(-25).join("\n")}`);
  }
}

async function download(url: string, name: string): Promise<string> {
  const file = path.join(os.tmpdir(), `reelflare-cancel-${Date.now()}-${name}`);
  await fs.writeFile(file, new Uint8Array(await (await fetch(url)).arrayBuffer()));
  return file;
}

describe("cancelling and a dying encoder", () => {
  let stack: E2EStack;

  beforeAll(async () => {
    // One chunk per render (one browser), and one render at a time: a slot left taken shows.
    // No warm browsers, so a browser still running after a render is one it failed to close
    // (the pool's own keeping and closing: browser-pool.test.ts).
    stack = await bootStack({ CHUNK_FRAMES: "100000", MAX_CONCURRENT_RENDERS: "1", BROWSER_WARM_S: "0" });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it("deleting a running render stops its browser and FFmpeg within seconds, frees its slot and keeps no files", async () => {
    // 20 minutes, 12000 frames in one chunk: minutes of capture.
    const renderId = await startRender(stack.client, composition(1200));
    await waitForCapture(stack, renderId, 0.005); // past the thumbnail (frame 10)
    expect(await localR2Keys(stack.persistTo, `renders/${renderId}/`)).not.toEqual([]);

    const deleted = Date.now();
    const res = await stack.client.request("DELETE", `/v3/hyperframes/renders/${renderId}`);
    expect(res.status).toBeLessThan(300);
    await waitFor("the capture's browser and FFmpeg to go", async () => {
      const running = await stack.processes();
      return !running.some(isChromium) && !running.some(isFfmpeg);
    }, 10_000);
    const stoppedMs = Date.now() - deleted;
    console.log(`[cancel] browser and FFmpeg gone ${stoppedMs} ms after DELETE`);
    expect(stoppedMs).toBeLessThan(10_000);

    // No partial output: segments, thumbnail, anything under the render's prefix.
    await waitFor("the render's files to be deleted", async () => (await localR2Keys(stack.persistTo, `renders/${renderId}/`)).length === 0, 10_000);

    // The slot is free and the consumer is not held: a new render is accepted and completes.
    const next = await stack.client.renderZip(composition(1), { fps: 10, quality: "draft" });
    expect(next.status, next.failure_message ?? "").toBe("completed");
    expect(next.frame_count).toBe(10);
    expect((await stack.processes()).filter((p) => isChromium(p) || isFfmpeg(p))).toEqual([]);
  });

  it("a render whose encoder is killed mid-capture completes, and so does the next", async () => {
    // 900 frames: the encoder dies with FFmpeg part-way through the segment.
    const renderId = await startRender(stack.client, composition(90));
    await waitForCapture(stack, renderId, 0.1);
    const killed = Date.now();
    const deadPid = await stack.killEncoder();

    const restartedPid = await waitFor("the encoder to be started again", async () => {
      const pid = stack.encoderPid();
      return pid !== null && pid !== deadPid && pid;
    });
    expect(stack.encoderRestarts()).toBe(1);
    // Its FFmpeg went with it, like a container's.
    await waitFor("the dead encoder's FFmpeg to go", async () => !(await stack.processes()).some((p) => p.pgid === deadPid), 5_000);

    const render = await stack.client.waitForRender(renderId, () => {}, 120_000);
    const recoveredMs = Date.now() - killed;
    console.log(`[encoder] new encoder pid ${restartedPid}; render completed ${recoveredMs} ms after the kill`);
    expect(render.status, render.failure_message ?? "").toBe("completed");
    expect(render.frame_count).toBe(900);
    const video = await probeVideo(await download(render.video_url!, "killed.mp4"));
    expect(video.frameCount).toBe(900);
    expect(video.width).toBe(320);

    const after = await stack.client.renderZip(composition(2), { fps: 10, quality: "draft" });
    expect(after.status, after.failure_message ?? "").toBe("completed");
    expect(after.frame_count).toBe(20);
    expect(stack.encoderRestarts()).toBe(1);
  });
});

describe("stopping the stack", () => {
  it("stop() in the middle of a render leaves no process behind", async () => {
    const stack = await bootStack({ CHUNK_FRAMES: "100000" });
    let running: StackProcess[] = [];
    try {
      const renderId = await startRender(stack.client, composition(1200));
      await waitForCapture(stack, renderId, 0.005);
      running = await stack.processes();
      const names = new Set(running.map((p) => p.name));
      // Chromium's crash handlers double-fork away from the browser: found by the marker too.
      for (const name of ["workerd", "chromium", "chrome_crashpad", "ffmpeg"]) expect(names, name).toContain(name);
    } finally {
      const stopping = Date.now();
      await stack.dispose();
      console.log(`[stop] stack stopped in ${Date.now() - stopping} ms`);
    }
    expect(await listStackProcesses(stack.marker)).toEqual([]);
    // And every process seen before, whatever found it, is gone.
    const alive = await Promise.all(running.map(async (p) => ((await isRunning(p.pid)) ? p : null)));
    expect(alive.filter(Boolean)).toEqual([]);
  });

  it("aborting a stack while it boots leaves no process behind", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-e2e-"));
    const abort = new AbortController();
    let marker = "";
    const booting = startLocalStack({
      port: await freePort(),
      encoderPort: await freePort(),
      persistTo: path.join(dir, "state"),
      signal: abort.signal,
      log: () => {},
    });
    try {
      // Abort once wrangler is starting (its processes carry the marker by then).
      await waitFor("wrangler to start", async () => {
        const found = await findWranglerMarker(dir);
        if (found) marker = found;
        return found;
      });
      abort.abort();
      await expect(booting).rejects.toThrow();
      expect(await listStackProcesses(marker)).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

/** Alive and not a zombie (killed, only not yet reaped: this machine's init may never reap). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

/** The marker of the wrangler started with state under `dir` (from its environment). */
async function findWranglerMarker(dir: string): Promise<string | null> {
  for (const pid of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (!cmdline.includes("wrangler") || !cmdline.includes(dir)) continue;
    const environ = await fs.readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
    const marker = environ.split("\0").find((v) => v.startsWith("REELFLARE_STACK_ID="));
    if (marker) return marker;
  }
  return null;
}
