// `npm run bench` → src/render/cloud-model/measured.ts: the per-frame figures of the run, in
// the form the cost model and the chunk planner read (see measured-schema.ts). Called once at
// the end of scripts/bench.ts with what it measured; everything else about the bench stays
// there. Per-frame figures come from the one-chunk row: capture "alone with one browser" and
// "one segment" are what the model scales to N browsers and N segments itself.
import fs from "node:fs/promises";
import path from "node:path";
import { MeasuredSchema, type Measured } from "../../src/render/cloud-model/measured-schema.ts";
import { projectRoot } from "./paths.ts";

export interface BenchRun {
  frames: number;
  fps: number;
  width: number;
  height: number;
  cores: number;
  /** The bench's rows: per chunk count, wall times (ms) and busy core-seconds. */
  rows: ReadonlyArray<{ chunks: number; wallMs: number; captureOnlyMs: number; encodeOnlyMs: number; captureCpu: number; encodeCpu: number; renderCpu?: number }>;
  /** The one-chunk render's phases through the local stack, seconds (see measured-schema.ts). */
  localRender?: { startS: number; loopMsPerFrame: number; finalizeS: number };
  hyperframesMs: number | null;
  date?: Date;
}

export const MEASURED_FILE = path.join(projectRoot, "src/render/cloud-model/measured.ts");

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** The figures of a run, or null when it had no one-chunk row (BENCH_CHUNKS without 1). */
export function measuredFrom(run: BenchRun): Measured | null {
  const one = run.rows.find((r) => r.chunks === 1);
  if (!one) return null;
  return MeasuredSchema.parse({
    measuredAt: (run.date ?? new Date()).toISOString().slice(0, 10),
    cores: run.cores,
    frames: run.frames,
    fps: run.fps,
    width: run.width,
    height: run.height,
    captureMsPerFrame: round(one.captureOnlyMs / run.frames, 1),
    captureCpuSPerFrame: round(one.captureCpu / run.frames, 4),
    encodeMsPerFrame: round(one.encodeOnlyMs / run.frames, 1),
    encodeCpuSPerFrame: round(one.encodeCpu / run.frames, 4),
    renders: run.rows.map((r) => ({
      chunks: r.chunks,
      wallS: round(r.wallMs / 1000, 1),
      ...(r.renderCpu !== undefined ? { cpuS: round(r.renderCpu, 2) } : {}),
    })),
    hyperframesS: run.hyperframesMs === null ? null : round(run.hyperframesMs / 1000, 1),
    browserStartS: null,
    finalizeS: null,
    ...(run.localRender
      ? {
          localRender: {
            startS: round(run.localRender.startS, 2),
            loopMsPerFrame: round(run.localRender.loopMsPerFrame, 1),
            finalizeS: round(run.localRender.finalizeS, 2),
          },
        }
      : {}),
  });
}

export function measuredModule(m: Measured): string {
  return `// Written by \`npm run bench\` (scripts/lib/bench-measured.ts) on ${m.measuredAt}, ${m.cores} cores.
// Do not edit by hand: run the bench again. Read by the cost model and the chunk planner.
import type { Measured } from "./measured-schema.ts";

export const MEASURED: Measured = ${JSON.stringify(m, null, 2)};
`;
}

/** Writes the run's figures over the committed baseline and says so; a run without a
 *  one-chunk row leaves the baseline as it was. */
export async function recordMeasured(run: BenchRun): Promise<void> {
  const measured = measuredFrom(run);
  if (!measured) {
    console.log(`measured figures not written: the run has no 1-chunk row (BENCH_CHUNKS)`);
    return;
  }
  await fs.writeFile(MEASURED_FILE, measuredModule(measured));
  console.log(
    `measured figures → ${path.relative(projectRoot, MEASURED_FILE)}: capture ${measured.captureMsPerFrame} ms/frame ` +
      `(${measured.captureCpuSPerFrame} core-s), encode ${measured.encodeMsPerFrame} ms/frame (${measured.encodeCpuSPerFrame} core-s); ` +
      `\`npm run model\` turns them into cloud predictions`,
  );
}
