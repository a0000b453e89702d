// `npm run bench`: renders a generated 1920×1080 composition through the local stack (API
// submit → completed) and, in the same run, measures the encoder alone on the same frames,
// printing figures and ratios. A measurement, not a test.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import { startLocalStack } from "./lib/local-stack.ts";
import { ApiClient } from "./lib/api-client.ts";

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const FPS = Number(process.env.BENCH_FPS ?? 30);
const QUALITY = process.env.BENCH_QUALITY ?? "standard";

const composition = `<!doctype html><html><head><style>
  html, body { margin: 0; }
  #root { position: relative; width: 1920px; height: 1080px; overflow: hidden; background: linear-gradient(135deg, #123, #345); }
  .box { position: absolute; width: 240px; height: 240px; border-radius: 24px; animation: spin ${SECONDS}s linear both; }
  h1 { position: absolute; top: 420px; width: 100%; text-align: center; font: bold 140px sans-serif; color: white;
       animation: fade ${SECONDS}s ease-in-out both; }
  @keyframes spin { from { transform: translateX(0) rotate(0); } to { transform: translateX(1500px) rotate(720deg); } }
  @keyframes fade { 0% { opacity: 0; } 50% { opacity: 1; } 100% { opacity: 0.3; } }
</style></head><body>
<div id="root" data-composition-id="bench" data-width="1920" data-height="1080" data-duration="${SECONDS}" data-no-timeline>
  ${Array.from({ length: 6 }, (_, i) => `<div class="box" style="top:${60 + i * 160}px;left:${i * 40}px;background:hsl(${i * 60},80%,60%)"></div>`).join("")}
  <h1>reelflare bench</h1>
</div></body></html>`;

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-bench-"));
const logs: string[] = [];
const stack = await startLocalStack({ port: 8897, encoderPort: 8898, persistTo: path.join(dir, "state"), log: (l) => logs.push(l) });
try {
  const client = new ApiClient(stack);
  const { asset_id } = await client.uploadZip(zipSync({ "index.html": strToU8(composition) }));
  const t0 = performance.now();
  const { render_id } = await client.createRender({ project: { type: "asset_id", asset_id }, fps: FPS, quality: QUALITY });
  const render = await client.waitForRender(render_id);
  const wallMs = performance.now() - t0;
  if (render.status !== "completed") throw new Error(`render failed: ${render.failure_message}`);
  const frames = Number(render.frame_count);

  const chunkLines = logs.filter((l) => l.includes("[chunk-timing]"));
  const chunkTotals = chunkLines.map((l) => JSON.parse(/\{[^}]*\}/.exec(l)![0]) as { frames: number; totalMs: number });
  const captureMs = Math.max(...chunkTotals.map((c) => c.totalMs));

  // Encoder alone: the rendered frames, re-extracted as JPEG, streamed to /segments.
  const video = path.join(dir, "out.mp4");
  await fs.writeFile(video, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
  const { stdout: jpegs } = await run("ffmpeg", ["-v", "error", "-i", video, "-q:v", "2", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1"], {
    encoding: "buffer",
    maxBuffer: 2 * 1024 * 1024 * 1024,
  });
  const q = new URLSearchParams({ fps: String(FPS), quality: QUALITY, format: "mp4", width: "1920", height: "1080", frames: String(frames), input: "jpeg" });
  const t1 = performance.now();
  const enc = await fetch(`http://127.0.0.1:8898/segments?${q}`, { method: "POST", body: new Uint8Array(jpegs as unknown as Buffer) });
  await enc.arrayBuffer();
  const encodeMs = performance.now() - t1;
  if (!enc.ok) throw new Error(`encoder alone failed: ${enc.status}`);

  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\nbench: ${frames} frames, 1920×1080 @ ${FPS} fps, quality ${QUALITY}, ${chunkTotals.length} chunk(s)`);
  console.table({
    "render wall time (submit → completed)": fmt(wallMs),
    "output frames/s": (frames / (wallMs / 1000)).toFixed(1),
    "capture+stream loop (longest chunk)": fmt(captureMs),
    "capture frames/s (per browser)": ((frames / chunkTotals.length) / (captureMs / 1000)).toFixed(1),
    "encode alone (same frames)": fmt(encodeMs),
    "encode frames/s": (frames / (encodeMs / 1000)).toFixed(1),
    "wall / max(capture, encode)": (wallMs / Math.max(captureMs, encodeMs)).toFixed(2),
  });
  for (const line of chunkLines) console.log(line.replace(/^.*\[chunk-timing\] /, "  "));
} finally {
  await stack.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
