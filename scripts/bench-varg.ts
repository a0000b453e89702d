// `npm run bench:varg`: a 4-clip 1080×1920 6 s image scene with transitions, rendered through
// the local stack's varg API (submit → completed) and, side by side in the same run, by the
// varg SDK itself when VARG_SDK_DIR points at a checkout of it (see scripts/varg-reference/).
// Prints figures and ratios, and the sandbox's evaluation time per submission (from the
// Worker's `[varg-eval]` log lines). It asserts nothing.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { startLocalStack } from "./lib/local-stack.ts";
import { VargClient } from "./lib/varg-client.ts";
import { serveDirectory } from "./lib/static-server.ts";
import { projectRoot } from "./lib/paths.ts";

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
// BENCH_STACK_LOG=<file> keeps the local stack's log lines (wrangler, encoder) for a look later.
const COLOURS = [
  ["0x1e3a8a", "0x22d3ee"],
  ["0x7c2d12", "0xfbbf24"],
  ["0x14532d", "0x86efac"],
  ["0x581c87", "0xf0abfc"],
];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Clips of 2, 2, 2 and 1.5 s joined by three 0.5 s transitions: 7.5 − 1.5 = 6 s. */
function scene(src: (i: number) => string): string {
  const transitions = ["fade", "wipeleft", "circleopen"];
  const clips = COLOURS.map((_, i) => {
    const t = transitions[i] ? ` transition={{ name: "${transitions[i]}", duration: 0.5 }}` : "";
    const zoom = i % 2 === 0 ? ` zoom="in"` : "";
    return `    <Clip duration={${i === 3 ? 1.5 : 2}}${t}>\n      <Image src="${src(i)}"${zoom} />\n    </Clip>`;
  });
  return `import { Render, Clip, Image } from "vargai/react";\nexport default (\n  <Render width={1080} height={1920} fps={30}>\n${clips.join("\n")}\n  </Render>\n);\n`;
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-varg-"));
for (const [i, [a, b]] of COLOURS.entries()) {
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `gradients=s=1080x1920:c0=${a}:c1=${b}:n=2:speed=0.0001:seed=${i}`, "-frames:v", "1", "-q:v", "3", path.join(dir, `img-${i}.jpg`)]);
}
const mediaPort = await freePort();
const media = await serveDirectory(dir, mediaPort);
const logs: string[] = [];
const stack = await startLocalStack({
  port: await freePort(),
  encoderPort: await freePort(),
  persistTo: path.join(dir, "state"),
  log: (line) => {
    logs.push(line);
    if (process.env.BENCH_STACK_LOG) void fs.appendFile(process.env.BENCH_STACK_LOG, `${line}\n`);
  },
});
const varg = new VargClient(stack);
const code = scene((i) => `http://127.0.0.1:${mediaPort}/img-${i}.jpg`);

const ours: number[] = [];
try {
  // One warm-up submission (browser and encoder start-up are paid once per machine, not per job).
  await varg.render(code, { output: "video" });
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    const job = await varg.render(code, { output: "video" });
    if (job.status !== "completed") throw new Error(`bench render failed: ${job.error}`);
    ours.push(performance.now() - started);
  }
} finally {
  await stack.stop();
  await media.close();
}
const evals = logs.flatMap((l) => /\[varg-eval\] ([\d.]+) ms/.exec(l)?.[1] ?? []).map(Number);

let sdkMs: number | null = null;
let sdkNote = "VARG_SDK_DIR not set: the SDK's own render was skipped";
if (process.env.VARG_SDK_DIR) {
  const file = path.join(dir, "scene.tsx");
  // The SDK's CLI renders local files; its components are auto-imported.
  await fs.writeFile(file, scene((i) => path.join(dir, `img-${i}.jpg`)).replace(/^import .*\n/, ""));
  const out = path.join(dir, "sdk.mp4");
  // Once untimed: the SDK installs its dependencies on first use.
  await run("bash", [path.join(projectRoot, "scripts/varg-reference/render.sh"), file, path.join(dir, "warm.mp4")], { env: process.env, maxBuffer: 64 << 20 });
  const started = performance.now();
  await run("bash", [path.join(projectRoot, "scripts/varg-reference/render.sh"), file, out], { env: process.env, maxBuffer: 64 << 20 });
  sdkMs = performance.now() - started;
  sdkNote = `varg SDK (bun, FFmpeg filter graph): ${(sdkMs / 1000).toFixed(2)} s`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\n4-clip 1080×1920 6 s image scene with transitions, on ${os.cpus().length} cores`);
console.log(`reelflare varg API, submit → completed: ${ours.map((ms) => (ms / 1000).toFixed(2)).join(" / ")} s`);
console.log(sdkNote);
if (sdkMs !== null) console.log(`ratio reelflare / SDK: ${(median(ours) / sdkMs).toFixed(2)}×`);
console.log(`sandbox evaluation per submission (transpile + QuickJS + validation): ${evals.map((ms) => ms.toFixed(1)).join(", ")} ms`);
await fs.rm(dir, { recursive: true, force: true });
