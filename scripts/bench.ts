// `npm run bench`: a 10 s 1920×1080 30 fps GSAP composition, measured side by side in one run:
//   - through the local stack (API submit → completed) at 1, 2 and 3 parallel chunks;
//   - capture alone: the same pages, driver and screenshots, no encoder (N browsers for N chunks);
//   - encode alone: the encoder server on the same frames (N segments in parallel);
//   - the HyperFrames CLI's own local render of the same project, on the same Chromium.
// It prints figures and ratios; it asserts nothing. BENCH_SECONDS, BENCH_CHUNKS tune it.
// Besides wall times it reads the machine's busy CPU time (/proc/stat) in each phase: capture
// and encode both want every core, so on a small machine their sum, spread over the cores,
// is a floor under any pipeline that does both — printed as "CPU floor".
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import http from "node:http";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { zipSync } from "fflate";
import { startLocalStack } from "./lib/local-stack.ts";
import { ApiClient } from "./lib/api-client.ts";
import { CdpPage } from "./lib/cdp-browser.ts";
import { projectRoot } from "./lib/paths.ts";
import { pageDriverSource } from "../src/render/page-driver.ts";
import { planChunks } from "../src/render/chunks.ts";
import { progressBar } from "./lib/progress-bar.ts";
import { recordMeasured } from "./lib/bench-measured.ts";

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FPS = 30;
const FRAMES = SECONDS * FPS;
const CHUNK_COUNTS = (process.env.BENCH_CHUNKS ?? "1,2,3").split(",").map(Number);
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

const INDEX = `<!doctype html><html><head><meta charset="utf-8"><style>
  html, body { margin: 0; }
  #root { position: relative; width: 1920px; height: 1080px; overflow: hidden; background: linear-gradient(135deg, #0d1b2a, #415a77); }
  .card { position: absolute; width: 260px; height: 260px; border-radius: 32px; }
  h1 { position: absolute; top: 400px; width: 100%; text-align: center; font: bold 150px sans-serif; color: #fff; margin: 0; }
</style><script src="gsap.min.js"></script></head><body>
<div id="root" data-composition-id="bench" data-width="1920" data-height="1080" data-start="0" data-duration="${SECONDS}">
  ${Array.from({ length: 6 }, (_, i) => `<div class="card" id="c${i}" style="top:${40 + i * 170}px;left:40px;background:hsl(${i * 60},80%,60%)"></div>`).join("\n  ")}
  <h1 id="title">reelflare</h1>
</div>
<script>
  const tl = gsap.timeline({ paused: true });
  for (let i = 0; i < 6; i++) {
    tl.to("#c" + i, { x: 1500, rotation: 360 * (i + 1), duration: ${SECONDS} - i * 0.5, ease: "power1.inOut" }, i * 0.5);
  }
  tl.fromTo("#title", { opacity: 0, scale: 0.5 }, { opacity: 1, scale: 1, duration: 2 }, 0);
  tl.to("#title", { y: 300, duration: ${SECONDS / 2} }, ${SECONDS / 2});
  window.__timelines = window.__timelines || {};
  window.__timelines.bench = tl;
</script></body></html>`;

const work = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-bench-"));
const projectDir = path.join(work, "project");
await fs.mkdir(projectDir);
await fs.writeFile(path.join(projectDir, "index.html"), INDEX);
await fs.copyFile(path.join(projectRoot, "node_modules/gsap/dist/gsap.min.js"), path.join(projectDir, "gsap.min.js"));
const zip = zipSync({
  "index.html": new Uint8Array(await fs.readFile(path.join(projectDir, "index.html"))),
  "gsap.min.js": new Uint8Array(await fs.readFile(path.join(projectDir, "gsap.min.js"))),
});

interface Row {
  chunks: number;
  wallMs: number;
  captureOnlyMs: number;
  encodeOnlyMs: number;
  captureMsPerFrame: number;
  /** Busy core-seconds of the whole machine during each phase. */
  renderCpu: number;
  captureCpu: number;
  encodeCpu: number;
}

/** Busy core-seconds since boot, all cores together (Linux /proc/stat, in USER_HZ = 1/100 s). */
async function busyCoreSeconds(): Promise<number> {
  const fields = (await fs.readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields as number[];
  void idle;
  void iowait;
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / 100;
}

/** Runs `fn` and also returns the machine's busy core-seconds while it ran. */
async function withCpu<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const before = await busyCoreSeconds();
  const value = await fn();
  return [value, (await busyCoreSeconds()) - before];
}
const rows: Row[] = [];
let lastVideo = "";

/** Capture alone: N browsers, each seeking and screenshotting its share, nothing encoded. */
async function captureOnly(chunks: number, origin: string): Promise<{ ms: number; perFrame: number }> {
  const ranges = planChunks(FRAMES, Math.ceil(FRAMES / chunks), chunks);
  const pages = await Promise.all(ranges.map(() => CdpPage.launch()));
  try {
    await Promise.all(
      pages.map(async (page) => {
        await page.send("Emulation.setDeviceMetricsOverride", { width: 1920, height: 1080, deviceScaleFactor: 1, mobile: false });
        await page.send("Page.addScriptToEvaluateOnNewDocument", { source: pageDriverSource(1) });
        const loaded = page.once("Page.loadEventFired");
        await page.send("Page.navigate", { url: `${origin}/index.html` });
        await loaded;
        await page.evaluate("window.__reelflare.probe(3000)");
      }),
    );
    let shots = 0;
    let shotMs = 0;
    const started = performance.now();
    await Promise.all(
      pages.map(async (page, i) => {
        for (let f = ranges[i]!.startFrame; f < ranges[i]!.endFrame; f++) {
          await page.evaluate(`window.__reelflare.seek(${f / FPS})`);
          const t = performance.now();
          await page.send("Page.captureScreenshot", { format: "jpeg", quality: 95, optimizeForSpeed: true });
          shotMs += performance.now() - t;
          shots++;
        }
      }),
    );
    return { ms: performance.now() - started, perFrame: shotMs / shots };
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
}

/** Encode alone: the rendered frames as JPEG, N segments encoded in parallel by the encoder. */
async function encodeOnly(chunks: number, encoderOrigin: string, video: string): Promise<number> {
  const { stdout } = await run("ffmpeg", ["-v", "error", "-i", video, "-q:v", "2", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1"], {
    encoding: "buffer",
    maxBuffer: 4 * 1024 * 1024 * 1024,
  });
  const jpegs = stdout as unknown as Buffer;
  // Split the stream back into images at each JPEG start-of-image marker.
  const starts: number[] = [];
  for (let i = 0; i < jpegs.length - 2; i++) if (jpegs[i] === 0xff && jpegs[i + 1] === 0xd8 && jpegs[i + 2] === 0xff) starts.push(i);
  const ranges = planChunks(FRAMES, Math.ceil(FRAMES / chunks), chunks);
  const started = performance.now();
  await Promise.all(
    ranges.map(async (r) => {
      const body = jpegs.subarray(starts[r.startFrame], r.endFrame < starts.length ? starts[r.endFrame] : jpegs.length);
      const q = new URLSearchParams({ fps: String(FPS), quality: "standard", format: "mp4", width: "1920", height: "1080", frames: String(r.endFrame - r.startFrame), input: "jpeg" });
      const res = await fetch(`${encoderOrigin}/segments?${q}`, { method: "POST", body: new Uint8Array(body) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`encoder alone failed: ${res.status}`);
    }),
  );
  return performance.now() - started;
}

const fileServer = http.createServer(async (req, res) => {
  const file = path.join(projectDir, path.basename(new URL(req.url ?? "/", "http://x").pathname));
  try {
    const body = await fs.readFile(file);
    res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => fileServer.listen(0, "127.0.0.1", resolve));
const fileOrigin = `http://127.0.0.1:${(fileServer.address() as { port: number }).port}`;

try {
  for (const chunks of CHUNK_COUNTS) {
    const logs: string[] = [];
    const stack = await startLocalStack({
      port: 8897,
      encoderPort: 8898,
      persistTo: path.join(work, `state-${chunks}`),
      vars: { CHUNK_FRAMES: String(Math.ceil(FRAMES / chunks)) },
      log: (l) => logs.push(l),
    });
    try {
      const client = new ApiClient(stack);
      const { asset_id } = await client.uploadZip(zip);
      const t0 = performance.now();
      const [render, renderCpu] = await withCpu(async () => {
        const { render_id } = await client.createRender({ project: { type: "asset_id", asset_id }, fps: FPS, quality: "standard" });
        const bar = progressBar(`  ${chunks} chunk(s)`);
        const done = await client.waitForRender(render_id, (r) => bar.update({ status: r.status, progress: r.progress, etaSeconds: r.eta_seconds }));
        bar.done();
        return done;
      });
      const wallMs = performance.now() - t0;
      if (render.status !== "completed") throw new Error(`render failed: ${render.failure_message}`);
      lastVideo = path.join(work, `out-${chunks}.mp4`);
      await fs.writeFile(lastVideo, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
      const [encodeOnlyMs, encodeCpu] = await withCpu(() => encodeOnly(chunks, "http://127.0.0.1:8898", lastVideo));
      const [capture, captureCpu] = await withCpu(() => captureOnly(chunks, fileOrigin));
      rows.push({
        chunks, wallMs, captureOnlyMs: capture.ms, encodeOnlyMs, captureMsPerFrame: capture.perFrame,
        renderCpu, captureCpu, encodeCpu,
      });
      for (const line of logs.filter((l) => l.includes("[chunk-timing]"))) console.log(`  ${chunks} chunk(s): ${line.replace(/^.*\[chunk-timing\] \{[^}]*\} /, "")}`);
    } finally {
      await stack.stop();
    }
  }

  // The HyperFrames CLI's own local render of the same project, on the same Chromium.
  const hfOut = path.join(work, "hyperframes.mp4");
  const hfStarted = performance.now();
  const hf = spawn(process.execPath, [path.join(projectRoot, "node_modules/hyperframes/bin/hyperframes.mjs"), "render", projectDir, "-o", hfOut, "--fps", String(FPS), "--quality", "standard", "--no-browser-gpu", "--quiet"], {
    env: { ...process.env, HYPERFRAMES_BROWSER_PATH: "/usr/bin/chromium", HYPERFRAMES_NO_TELEMETRY: "1", HOME: work },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let hfLog = "";
  hf.stdout.on("data", (d) => (hfLog += d));
  hf.stderr.on("data", (d) => (hfLog += d));
  const hfCode = await new Promise<number | null>((resolve) => hf.once("close", resolve));
  const hfMs = performance.now() - hfStarted;

  const best = rows.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  console.log(`\nbench: ${FRAMES} frames, 1920×1080 @ ${FPS} fps, quality standard, GSAP composition, ${os.cpus().length} cores`);
  console.table(
    rows.map((r) => ({
      chunks: r.chunks,
      "wall s (submit→completed)": seconds(r.wallMs),
      "output frames/s": Number((FRAMES / (r.wallMs / 1000)).toFixed(1)),
      "capture-only s": seconds(r.captureOnlyMs),
      "capture ms/frame": Number(r.captureMsPerFrame.toFixed(1)),
      "encode-only s": seconds(r.encodeOnlyMs),
      "encode frames/s": Number((FRAMES / (r.encodeOnlyMs / 1000)).toFixed(1)),
      "wall / max(capture, encode)": Number((r.wallMs / Math.max(r.captureOnlyMs, r.encodeOnlyMs)).toFixed(2)),
    })),
  );
  const cores = os.cpus().length;
  console.log(`\nCPU (busy core-seconds of the whole machine; ${cores} cores):`);
  console.table(
    rows.map((r) => {
      const floorS = Math.max((r.captureCpu + r.encodeCpu) / cores, r.captureOnlyMs / 1000, r.encodeOnlyMs / 1000);
      return {
        chunks: r.chunks,
        "render CPU s": Number(r.renderCpu.toFixed(1)),
        "capture-only CPU s": Number(r.captureCpu.toFixed(1)),
        "encode-only CPU s": Number(r.encodeCpu.toFixed(1)),
        "floor s = max(limits, (capture+encode CPU)/cores)": Number(floorS.toFixed(2)),
        "wall / floor": Number((r.wallMs / 1000 / floorS).toFixed(2)),
        "render CPU / (capture+encode CPU)": Number((r.renderCpu / (r.captureCpu + r.encodeCpu)).toFixed(2)),
      };
    }),
  );
  console.log(
    hfCode === 0
      ? `hyperframes render (local, same Chromium): ${seconds(hfMs)} s → best reelflare (${best.chunks} chunks) is ${(hfMs / best.wallMs).toFixed(2)}× its speed`
      : `hyperframes render failed (exit ${hfCode}) after ${seconds(hfMs)} s:\n${hfLog.slice(-1500)}`,
  );
  // The per-frame figures the cost model and the chunk planner read (`npm run model`).
  await recordMeasured({ frames: FRAMES, fps: FPS, width: 1920, height: 1080, cores, rows, hyperframesMs: hfCode === 0 ? hfMs : null });
} finally {
  fileServer.close();
  await fs.rm(work, { recursive: true, force: true });
}
