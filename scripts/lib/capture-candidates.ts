// Ways of capturing a frame, measured side by side by `npm run bench`: one browser (the
// project's Chromium and flags, as the local stack runs it), the page driver posing each frame,
// and the CPU of every Chromium process read from /proc, so other work on the machine does not
// count. The screencast candidate takes the frame the compositor pushes after each pose.
import fs from "node:fs/promises";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CdpPage } from "./cdp-browser.ts";
import { pageDriverSource } from "../../src/render/page-driver.ts";
import { processCpuMs } from "./proc.ts";

const run = promisify(execFile);

export interface Candidate {
  name: string;
  shot: { format: "jpeg" | "png" | "webp"; quality?: number; optimizeForSpeed?: boolean };
  /** Take frames from Page.startScreencast instead of Page.captureScreenshot. */
  screencast?: boolean;
  /** Reuse the previous image when the driver says the pose cannot differ (the stack does). */
  reuse?: boolean;
  extraFlags?: string[];
  dropFlags?: string[];
}

export interface CandidateResult {
  name: string;
  frames: number;
  captured: number;
  /** Wall and Chromium CPU per output frame, ms. */
  wallMs: number;
  cpuMs: number;
  /** CPU per process type (browser, gpu-process, renderer…), ms per frame. */
  cpuByProcess: Record<string, number>;
  kbPerFrame: number;
}

/** Chromium processes of CdpPage browsers (their profiles are named reelflare-cdp-…). */
async function chromiumPids(): Promise<string[]> {
  const { stdout } = await run("pgrep", ["-f", "reelflare-cdp-"]).catch(() => ({ stdout: "" }));
  return stdout.split("\n").filter(Boolean);
}

const cpuMsOf = async (pid: string) => (await processCpuMs(pid)) ?? 0;

async function processType(pid: string): Promise<string> {
  const cmd = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return /--type=([a-z-]+)/.exec(cmd)?.[1] ?? "browser";
}

/** Captures `frames` frames (evenly over `seconds`) of the page at `url` with one candidate. */
export async function measureCandidate(c: Candidate, url: string, seconds: number, frames: number, fps: number): Promise<CandidateResult> {
  const page = await CdpPage.launch(c.extraFlags, c.dropFlags);
  try {
    await page.send("Emulation.setDeviceMetricsOverride", { width: 1920, height: 1080, deviceScaleFactor: 1, mobile: false });
    await page.send("Page.addScriptToEvaluateOnNewDocument", { source: pageDriverSource(1) });
    await page.navigate(url);
    await page.evaluate("window.__reelflare.probe(3000)");

    let pushed: ((data: string) => void) | null = null;
    if (c.screencast) {
      page.on("Page.screencastFrame", (p: { data: string; sessionId: number }) => {
        void page.send("Page.screencastFrameAck", { sessionId: p.sessionId });
        const take = pushed;
        pushed = null;
        take?.(p.data);
      });
      await page.send("Page.startScreencast", { format: c.shot.format, quality: c.shot.quality, everyNthFrame: 1 });
      await new Promise((r) => setTimeout(r, 300));
    }
    const screencastFrame = () =>
      new Promise<string>((resolve, reject) => {
        pushed = resolve;
        setTimeout(() => pushed === resolve && reject(new Error("no screencast frame within 2 s")), 2_000);
      });

    const pids = await chromiumPids();
    const before = new Map(await Promise.all(pids.map(async (p) => [p, await cpuMsOf(p)] as const)));
    let bytes = 0;
    let captured = 0;
    const started = performance.now();
    for (let i = 0; i < frames; i++) {
      const frame = Math.round((i * seconds * fps) / frames);
      const unchanged = (await page.evaluate(`window.__reelflare.seek(${frame / fps})`)) === "same";
      if (c.reuse && unchanged && i > 0) continue;
      const data = c.screencast ? await screencastFrame() : (await page.send("Page.captureScreenshot", c.shot)).data;
      bytes += (data.length * 3) / 4;
      captured++;
    }
    const wall = performance.now() - started;
    const byProcess: Record<string, number> = {};
    for (const pid of await chromiumPids()) {
      const type = await processType(pid);
      byProcess[type] = (byProcess[type] ?? 0) + (await cpuMsOf(pid)) - (before.get(pid) ?? 0);
    }
    const cpu = Object.values(byProcess).reduce((a, b) => a + b, 0);
    return {
      name: c.name,
      frames,
      captured,
      wallMs: wall / frames,
      cpuMs: cpu / frames,
      cpuByProcess: Object.fromEntries(Object.entries(byProcess).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round(v / frames)])),
      kbPerFrame: bytes / Math.max(1, captured) / 1024,
    };
  } finally {
    await page.close();
  }
}
