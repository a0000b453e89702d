// `npm run bench`: how fast a render is and where its time goes, measured side by side in one
// run on this machine. It prints figures and ratios; it asserts nothing.
//   1. Capture candidates: one browser posing and capturing the same frames in each way we
//      considered (screenshot formats, screencast, GPU emulation vs the software compositor,
//      reusing frames that cannot change), with Chromium's own CPU per frame.
//   2. Renders through the local stack (API submit → completed): the motion composition (every
//      frame differs) at 1 and 2 chunks in the default capture (JPEG for mp4, from the
//      screencast, two pages side by side), at 1 chunk on one page, with screenshots only on
//      one page (the capture before the screencast) and captured losslessly (WebP), and the
//      holds composition (titles held for seconds); frames captured vs frames output. The
//      2-chunk motion render runs twice in one stack: the second takes the browsers the first
//      left warm (src/jobs/browser-pool.ts) instead of launching them.
//   3. `hyperframes render` of the same projects on the same Chromium, and whole-frame PSNR of
//      our video against its video; and the default motion video against the one made as the
//      service made it when issue 13 was filed ("as-filed": JPEG screenshots on one page, x264
//      medium, through the same stack — with today's colour path, which issue 12 fixed since).
//   4. The encoder alone on 10 s and 60 s of frames: speed and peak memory (RSS).
// The headline pair (the default motion render, 1 chunk, and `hyperframes render` of it) runs
// BENCH_REPEATS (3) times, alternating, and is compared by medians.
// BENCH_SECONDS (10) sets the compositions' length; BENCH_KEEP=1 keeps the videos.
import { spawn } from "node:child_process";
import http from "node:http";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { zipSync } from "fflate";
import { startLocalStack } from "./lib/local-stack.ts";
import { ApiClient } from "./lib/api-client.ts";
import { projectRoot } from "./lib/paths.ts";
import { chunkTimings } from "./lib/chunk-timing.ts";
import { progressBar } from "./lib/progress-bar.ts";
import { recordMeasured } from "./lib/bench-measured.ts";
import { compositionFiles, type CompositionName } from "./lib/bench-compositions.ts";
import { measureCandidate, type Candidate, type CandidateResult } from "./lib/capture-candidates.ts";
import { measureEncoder, type EncoderRun } from "./lib/bench-encoder.ts";
import { machineBusyCoreSeconds } from "./lib/proc.ts";
import { framePsnr, psnrStats } from "../test/support/media.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FPS = 30;
const FRAMES = SECONDS * FPS;
const CANDIDATE_FRAMES = 90;
/** Runs of the headline pair (see section 2). */
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const cores = os.cpus().length;
const s = (ms: number) => Number((ms / 1000).toFixed(2));
const n1 = (v: number) => Number(v.toFixed(1));

const work = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-bench-"));
const projects: Record<CompositionName, { dir: string; zip: Uint8Array }> = {} as never;
for (const name of ["motion", "holds"] as const) {
  const files = await compositionFiles(name, SECONDS);
  const dir = path.join(work, name);
  await fs.mkdir(dir);
  for (const [file, bytes] of Object.entries(files)) await fs.writeFile(path.join(dir, file), bytes);
  projects[name] = { dir, zip: zipSync(files) };
}

// The projects over plain HTTP, for the capture candidates (no Worker in between).
const fileServer = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const [, name, file] = url.pathname.split("/");
  try {
    const body = await fs.readFile(path.join(work, path.basename(name ?? ""), path.basename(file ?? "")));
    res.writeHead(200, { "content-type": file?.endsWith(".js") ? "text/javascript" : "text/html" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => fileServer.listen(0, "127.0.0.1", resolve));
const fileOrigin = `http://127.0.0.1:${(fileServer.address() as { port: number }).port}`;

interface RenderRow {
  composition: CompositionName;
  format: string;
  chunks: number;
  /** cold: a fresh stack, every browser launched; warm: the same render again right after,
   *  in the same stack, taking the browsers the first left in the pool. */
  run: "cold" | "warm";
  wallMs: number;
  frames: number;
  captured: number;
  openMs: number;
  /** The capture loop's own time per frame, chunks added up (chunk-timing totalMs). */
  loopMsPerFrame: number;
  /** Busy core-seconds of the whole machine during the render. */
  cpuS: number;
  /** Submit → first frame and last chunk's end → completed (one chunk: the render's phases). */
  startS: number;
  finalizeS: number;
  video: string;
}

/** One render through a fresh local stack; the chunk-timing log lines say what was captured. */
/** How a row captures: the default (screencast JPEG for mp4, two pages side by side), one page
 *  (as before the second page), screenshots only on one page (as before the screencast), or
 *  lossless WebP. */
type CaptureMode = "default" | "one-page" | "screenshots" | "webp" | "as-filed";

async function renderRows(composition: CompositionName, format: CaptureMode, chunks: number, runs: 1 | 2 = 1): Promise<RenderRow[]> {
  const logs: string[] = [];
  /** When each chunk-timing line arrived (the chunk's end), for the render's phases. */
  const arrived = new Map<string, number>();
  const stack = await startLocalStack({
    port: 8897,
    encoderPort: 8898,
    persistTo: path.join(work, `state-${composition}-${format}-${chunks}`),
    vars: {
      CHUNK_FRAMES: String(Math.ceil(FRAMES / chunks)),
      CAPTURE_FORMAT: format === "webp" ? "webp" : "auto",
      CAPTURE_SCREENCAST: format === "screenshots" || format === "as-filed" ? "false" : "true",
      CAPTURE_PAGES: format === "default" || format === "webp" ? "2" : "1",
    },
    encoderEnv: format === "as-filed" ? { X264_STANDARD: "medium" } : {},
    log: (l) => {
      logs.push(l);
      if (l.includes("[chunk-timing]")) arrived.set(l, performance.now());
    },
  });
  try {
    const rows: RenderRow[] = [];
    for (const run of (["cold", "warm"] as const).slice(0, runs)) rows.push(await renderOnce(new ApiClient(stack), logs, arrived, composition, format, chunks, run));
    return rows;
  } finally {
    await stack.stop();
  }
}

async function renderOnce(
  client: ApiClient,
  logs: string[],
  arrived: Map<string, number>,
  composition: CompositionName,
  format: CaptureMode,
  chunks: number,
  run: RenderRow["run"],
): Promise<RenderRow> {
  const { asset_id } = await client.uploadZip(projects[composition].zip);
  const cpuBefore = await machineBusyCoreSeconds();
  const started = performance.now();
  const { render_id } = await client.createRender({ project: { type: "asset_id", asset_id }, fps: FPS, quality: "standard" });
  const bar = progressBar(`  ${composition}, ${format}, ${chunks} chunk(s), ${run}`);
  // Followed over SSE, not polled: the end is seen as the service reports it (a figure compared
  // with a process's exit, `hyperframes render`), and the bench adds no load of its own. Polling
  // every 100 ms cost the Worker about 1 core-second per 10 s render, and the render 0.45 s.
  const render = await client.watchRender(render_id, (r) => bar.update({ status: r.status, progress: r.progress, etaSeconds: r.eta_seconds }));
  bar.done();
  const ended = performance.now();
  const wallMs = ended - started;
  const cpuS = (await machineBusyCoreSeconds()) - cpuBefore;
  if (render.status !== "completed") throw new Error(`render failed: ${render.failure_message}`);
  const video = path.join(work, `${composition}-${format}-${chunks}-${run}.mp4`);
  await fs.writeFile(video, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
  const lines = logs.filter((l) => l.includes("[chunk-timing]") && l.includes(render_id));
  const timings = chunkTimings(lines);
  const lastChunkEnd = Math.max(...lines.map((l) => arrived.get(l) ?? ended));
  const finalizeS = (ended - lastChunkEnd) / 1000;
  for (const line of lines) console.log(`    ${line.replace(/^.*\[chunk-timing\] \{[^}]*\} /, "")}`);
  return {
    composition, format, chunks, run, wallMs, video, cpuS, finalizeS,
    startS: wallMs / 1000 - finalizeS - Math.max(...timings.map((t) => t.totalMs)) / 1000,
    frames: timings.reduce((a, t) => a + t.frames, 0),
    captured: timings.reduce((a, t) => a + t.captured, 0),
    openMs: Math.max(...timings.map((t) => t.openMs)),
    loopMsPerFrame: timings.reduce((a, t) => a + t.totalMs, 0) / Math.max(1, timings.reduce((a, t) => a + t.frames, 0)),
  };
}

/** `hyperframes render` of a project, same Chromium; wall ms and its video. */
async function hyperframes(composition: CompositionName): Promise<{ ms: number; video: string | null }> {
  const video = path.join(work, `hyperframes-${composition}.mp4`);
  const started = performance.now();
  const cli = path.join(projectRoot, "node_modules/hyperframes/bin/hyperframes.mjs");
  const child = spawn(process.execPath, [cli, "render", projects[composition].dir, "-o", video, "--fps", String(FPS), "--quality", "standard", "--no-browser-gpu", "--quiet"], {
    env: { ...process.env, HYPERFRAMES_BROWSER_PATH: "/usr/bin/chromium", HYPERFRAMES_NO_TELEMETRY: "1", HOME: work },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) console.log(`hyperframes render of ${composition} failed (exit ${code}):\n${log.slice(-1500)}`);
  return { ms: performance.now() - started, video: code === 0 ? video : null };
}

/** The middle item by `key` (the lower middle of an even count). */
function median<T>(items: T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor((items.length - 1) / 2)]!;
}

const psnrSummary = async (a: string, b: string) => {
  const { min, mean } = psnrStats(await framePsnr(a, b));
  return { min: n1(min), mean: n1(mean) };
};

try {
  // ---- 1. Capture candidates ------------------------------------------------------------------
  console.log(`\n1. Capture candidates: one browser, ${CANDIDATE_FRAMES} frames spread over the ${SECONDS} s composition`);
  const candidates: (Candidate & { composition: CompositionName })[] = [
    { composition: "motion", name: "screenshot JPEG q95 (as filed)", shot: { format: "jpeg", quality: 95, optimizeForSpeed: true } },
    { composition: "motion", name: "screenshot WebP lossless", shot: { format: "webp", quality: 100 } },
    { composition: "motion", name: "screenshot PNG (optimizeForSpeed)", shot: { format: "png", optimizeForSpeed: true } },
    { composition: "motion", name: "screencast JPEG q95", shot: { format: "jpeg", quality: 95 }, screencast: true },
    {
      composition: "motion", name: "screenshot JPEG q95, SwiftShader GL", shot: { format: "jpeg", quality: 95, optimizeForSpeed: true },
      dropFlags: ["--disable-gpu"], extraFlags: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
    },
    { composition: "holds", name: "holds: screenshot JPEG q95, every frame", shot: { format: "jpeg", quality: 95, optimizeForSpeed: true } },
    { composition: "holds", name: "holds: screenshot JPEG q95, unchanged frames reused", shot: { format: "jpeg", quality: 95, optimizeForSpeed: true }, reuse: true },
  ];
  const results: CandidateResult[] = [];
  for (const c of candidates) {
    results.push(await measureCandidate(c, `${fileOrigin}/${c.composition}/index.html`, SECONDS, CANDIDATE_FRAMES, FPS));
  }
  const base = results[0]!;
  console.table(
    results.map((r) => ({
      candidate: r.name,
      "frames captured / output": `${r.captured} / ${r.frames}`,
      "wall ms/frame": n1(r.wallMs),
      "Chromium CPU ms/frame": n1(r.cpuMs),
      "CPU vs as filed": Number((r.cpuMs / base.cpuMs).toFixed(2)),
      "CPU by process (ms/frame)": JSON.stringify(r.cpuByProcess),
      "KB/frame": Math.round(r.kbPerFrame),
    })),
  );

  // ---- 2 + 3. Renders, HyperFrames, parity -----------------------------------------------------
  console.log(`\n2. Renders through the local stack (${FRAMES} frames, 1920×1080 @ ${FPS} fps, quality standard, ${cores} cores)`);
  // The headline pair — the default motion render and `hyperframes render` of it — alternate,
  // REPEATS times each, and their medians are compared: on a shared 2-core machine one render
  // moves by 5–10 % from run to run, as much as the margin being measured.
  const headline: RenderRow[] = [];
  const hfMotion: { ms: number; video: string | null }[] = [];
  for (let i = 0; i < REPEATS; i++) {
    headline.push(...(await renderRows("motion", "default", 1)));
    console.log(`  hyperframes render, motion (${i + 1} of ${REPEATS})`);
    hfMotion.push(await hyperframes("motion"));
  }
  const rows: RenderRow[] = [median(headline, (r) => r.wallMs)];
  for (const [composition, format, chunks, runs] of [
    ["motion", "default", 2, 2], ["motion", "webp", 1, 1], ["holds", "default", 1, 1], ["motion", "screenshots", 1, 1],
    ["motion", "one-page", 1, 1], ["motion", "as-filed", 1, 1],
  ] as const) {
    rows.push(...(await renderRows(composition, format, chunks, runs)));
  }
  console.log(`\n3. hyperframes render, same projects, same Chromium`);
  const hf = { motion: median(hfMotion, (r) => r.ms), holds: await hyperframes("holds") };
  console.log(
    `Motion, default capture, 1 chunk, ${REPEATS} runs alternating with hyperframes render: ours ${headline.map((r) => s(r.wallMs)).join(", ")} s ` +
      `(median ${s(rows[0]!.wallMs)}), hyperframes ${hfMotion.map((r) => s(r.ms)).join(", ")} s (median ${s(hf.motion.ms)}): ` +
      `${(hf.motion.ms / rows[0]!.wallMs).toFixed(2)}× as fast (medians)`,
  );
  const table = [];
  for (const r of rows) {
    const ref = hf[r.composition];
    table.push({
      composition: r.composition,
      capture: r.format,
      chunks: r.chunks,
      run: r.run,
      "wall s": s(r.wallMs),
      "frames captured / output": `${r.captured} / ${r.frames}`,
      "browser ready s": s(r.openMs),
      "hyperframes s": s(ref.ms),
      "speed vs hyperframes": Number((ref.ms / r.wallMs).toFixed(2)),
      "PSNR vs hyperframes min/mean dB": ref.video ? Object.values(await psnrSummary(r.video, ref.video)).join(" / ") : "n/a",
    });
  }
  console.table(table);
  const row = (composition: CompositionName, format: CaptureMode, chunks: number, run: RenderRow["run"] = "cold") =>
    rows.find((r) => r.composition === composition && r.format === format && r.chunks === chunks && r.run === run)!;
  const motion = row("motion", "default", 1);
  const onePage = row("motion", "one-page", 1);
  // The bare screencast candidate: the stack's default capture without the Worker in between.
  const screencastAlone = results.find((r) => r.name.startsWith("screencast"))!;
  // What moving frames through the Worker costs: the stack's capture loop (seek and frame over
  // the browser binding, frame streamed on to the encoder) against the same capture alone.
  console.log(
    `Capture loop per frame, motion, 1 chunk, one page: ${n1(onePage.loopMsPerFrame)} ms through the Worker (screencast, with reuse and ` +
      `screenshot fallbacks) vs ${n1(screencastAlone.wallMs)} ms alone (CDP straight to the browser): ${n1(onePage.loopMsPerFrame - screencastAlone.wallMs)} ms a frame ` +
      `for the Worker, the browser binding's proxy and the encoder stream`,
  );
  console.log(`Two pages against one, motion, 1 chunk: ${s(motion.wallMs)} s against ${s(onePage.wallMs)} s (${(onePage.wallMs / motion.wallMs).toFixed(2)}× as fast)`);
  const screenshots = await psnrSummary(row("motion", "screenshots", 1).video, motion.video);
  console.log(`PSNR of the default (screencast, two pages) motion video against the screenshots-only one (one page): min ${screenshots.min} dB, mean ${screenshots.mean} dB (100 = identical)`);
  const lossless = await psnrSummary(row("motion", "webp", 1).video, motion.video);
  console.log(`PSNR of the default (JPEG-captured) motion video against the lossless (WebP-captured) one: min ${lossless.min} dB, mean ${lossless.mean} dB`);
  const [cold2, warm2] = [row("motion", "default", 2), row("motion", "default", 2, "warm")];
  console.log(
    `Warm browsers, motion, 2 chunks: ${s(warm2.wallMs)} s against ${s(cold2.wallMs)} s cold; the slowest browser ready in ` +
      `${s(warm2.openMs)} s taken from the pool against ${s(cold2.openMs)} s launched`,
  );
  console.log(
    `The default motion render's phases, 1 chunk: ${s(motion.startS * 1000)} s submit → first frame, ${n1(motion.loopMsPerFrame)} ms a frame ` +
      `captured, ${s(motion.finalizeS * 1000)} s last frame → completed; the machine's busy CPU ${n1(motion.cpuS)} core-s ` +
      `(${n1((motion.cpuS * 1000) / FRAMES)} ms a frame) against ${n1(cold2.cpuS)} core-s at 2 chunks`,
  );
  const asFiled = row("motion", "as-filed", 1);
  const filed = await psnrSummary(asFiled.video, motion.video);
  console.log(
    `Against the motion render as filed (JPEG q95 screenshots on one page, x264 medium; today's colour path): ` +
      `${s(motion.wallMs)} s against ${s(asFiled.wallMs)} s (${(asFiled.wallMs / motion.wallMs).toFixed(2)}× as fast), ` +
      `PSNR of the default video against it min ${filed.min} dB, mean ${filed.mean} dB`,
  );

  // ---- 4. Encoder alone --------------------------------------------------------------------------
  console.log(`\n4. The encoder alone (x264 standard, one segment, JPEG frames of the motion video)`);
  const encoder: EncoderRun[] = [];
  for (const seconds of [SECONDS, SECONDS * 6]) encoder.push(await measureEncoder(motion.video, seconds, FPS, work));
  console.table(
    encoder.map((e) => ({
      "video s": e.seconds,
      frames: e.frames,
      "wall s": s(e.wallMs),
      "frames/s": n1(e.frames / (e.wallMs / 1000)),
      "CPU ms/frame": n1(e.cpuMs / e.frames),
      "FFmpeg peak RSS MB": Math.round(e.peakRssKb / 1024),
    })),
  );

  // The per-frame figures the cost model and the chunk planner read (`npm run model`): the
  // default capture (JPEG from the screencast), one browser, and one encoder segment.
  await recordMeasured({
    frames: FRAMES, fps: FPS, width: 1920, height: 1080, cores,
    rows: rows.filter((r) => r.composition === "motion" && r.format === "default" && r.run === "cold").map((r) => ({
      chunks: r.chunks,
      wallMs: r.wallMs,
      captureOnlyMs: r === motion ? screencastAlone.wallMs * FRAMES : NaN,
      captureCpu: r === motion ? (screencastAlone.cpuMs * FRAMES) / 1000 : NaN,
      encodeOnlyMs: r === motion ? encoder[0]!.wallMs : NaN,
      encodeCpu: r === motion ? encoder[0]!.cpuMs / 1000 : NaN,
      renderCpu: r.cpuS,
    })),
    hyperframesMs: hf.motion.video ? hf.motion.ms : null,
    localRender: { startS: motion.startS, loopMsPerFrame: motion.loopMsPerFrame, finalizeS: motion.finalizeS },
  });
} finally {
  fileServer.close();
  // BENCH_KEEP=1 keeps the videos and projects for a closer look.
  if (process.env.BENCH_KEEP) console.log(`kept: ${work}`);
  else await fs.rm(work, { recursive: true, force: true });
}
