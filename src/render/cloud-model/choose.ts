// How many chunks a render gets: the count with the least predicted wall time, within
//   - the platform: no more chunks than browsers a render may hold, and enough chunks that each
//     fits the queue consumer's wall-clock limit;
//   - a cost guard: no chunk shorter than `minChunkStartRatio` × its browser's start (below
//     that, starts are most of what is paid for; a browser taken idle from the pool starts
//     faster than a launch, so more chunks pass when enough are idle), and the fewest chunks that come within
//     `gainThreshold` of the best time (a browser that saves 2 % is not worth its cost);
//   - the operator's cap (MAX_CHUNKS).
import type { Measured } from "./measured-schema.ts";
import type { Profile } from "./profiles.ts";
import { chunkSecondsPerFrame, encoderTailS, predict, type Prediction, type RenderJob } from "./predict.ts";

export interface Choice {
  chunks: number;
  prediction: Prediction;
  /** Every count considered, fewest first (for `npm run model` and the tests). */
  candidates: Prediction[];
  /** Shortest chunk the cost guard allows, in frames, when every browser is launched. */
  minChunkFrames: number;
}

/** Shortest chunk the cost guard allows with `chunks` chunks: the browsers beyond the planning
 *  one are taken idle from the pool while there are enough, else launched. */
function minFrames(profile: Profile, perFrame: number, chunks: number): number {
  const startS = chunks - 1 <= profile.idleBrowsers ? profile.reuseStartS : profile.browserStartS;
  return Math.max(1, Math.ceil((profile.minChunkStartRatio * startS) / perFrame));
}

export function chooseChunks(profile: Profile, measured: Measured, job: RenderJob, cap: number): Choice {
  const frames = Math.max(1, job.frames);
  // A lone chunk's pace: the floor under any chunk's, so the bounds below hold for every count.
  const perFrame = chunkSecondsPerFrame(profile, measured, job, 1);
  const minChunkFrames = minFrames({ ...profile, idleBrowsers: 0 }, perFrame, 2);
  const usableS = profile.maxChunkS - profile.browserStartS - encoderTailS(measured, job);
  const maxChunkFrames = Math.max(1, Math.floor(usableS / perFrame));
  const ceiling = Math.max(1, Math.min(cap, frames));
  // Fewer chunks than this would run past the consumer's limit; the cap still wins (a render
  // the operator capped runs long rather than fanning out wider than allowed).
  const fewest = Math.min(ceiling, Math.ceil(frames / maxChunkFrames));
  const most = Math.max(fewest, Math.min(ceiling, profile.maxBrowsers));
  const candidates: Prediction[] = [];
  for (let chunks = fewest; chunks <= most; chunks++) {
    if (chunks > fewest && frames / chunks < minFrames(profile, perFrame, chunks)) continue;
    candidates.push(predict(profile, measured, { ...job, frames }, chunks));
  }
  const bestS = Math.min(...candidates.map((c) => c.wallS));
  const prediction = candidates.find((c) => c.wallS <= bestS * (1 + profile.gainThreshold))!;
  return { chunks: prediction.chunks, prediction, candidates, minChunkFrames };
}
