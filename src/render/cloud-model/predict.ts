// Predicted wall time and cost of one render split into N chunks, from the bench's per-frame
// figures (measured.ts) and a profile (profiles.ts). The shape of a render:
//   plan (queue hop, one browser probes the page)
//   → capture: N browsers, launched at the platform's rate, each seeking and screenshotting its
//     share while one encoder segment per chunk takes the frames as they come
//   → finalize (queue hop, segments joined by stream copy, output uploaded).
// Capture is the long part: its time is the later of the browsers' own pace (plus their
// staggered launches) and, where cores are shared, all the CPU it needs spread over the cores.
import type { Measured } from "./measured-schema.ts";
import type { Profile } from "./profiles.ts";
import { BROWSER, CONTAINERS, DEPLOYMENT, QUEUES, R2, WORKERS } from "./platform.ts";

export interface RenderJob {
  frames: number;
  /** Output pixels per frame; default the bench's (1920×1080). */
  pixels?: number;
}

export interface Prediction {
  chunks: number;
  /** Browsers open at once, and how many rounds of chunks they take. */
  browsers: number;
  /** Of the chunks' browsers (the planning one aside), those taken idle from the pool. */
  reused: number;
  waves: number;
  framesPerChunk: number;
  /** Seconds per frame of one browser here (after scaling by size and encoder contention). */
  secondsPerFrame: number;
  planS: number;
  captureS: number;
  finalizeS: number;
  wallS: number;
  /** The longest chunk, against the queue consumer's wall-clock limit. */
  chunkS: number;
  fitsConsumerLimit: boolean;
  /** What bounds capture: the browsers' pace, their launch rate, shared CPU, or the encoder. */
  bound: "browser pace" | "launch rate" | "shared CPU" | "encoder";
  cost: Cost | null;
}

export interface Cost {
  browserHours: number;
  browserUsd: number;
  containerUsd: number;
  workersUsd: number;
  queuesUsd: number;
  r2Usd: number;
  totalUsd: number;
  /** Not in the total: the concurrency charge if this render sets a day's peak (see platform.ts). */
  peakConcurrencyUsd: number;
}

/** Per-frame costs shrink with the frame, but not below a quarter of 1080p's: seeking, posing
 *  and the round trips of a frame cost about the same at any size (an assumption; the bench
 *  measures 1080p only). */
const MIN_SIZE_FACTOR = 0.25;

/** Mirrors src/encoder/container.ts sleepAfter: an encoder stays awake (memory billed) this
 *  long after a render's last request. */
const ENCODER_SLEEP_AFTER_S = 5 * 60;

export function sizeFactor(measured: Measured, pixels: number | undefined): number {
  if (pixels === undefined) return 1;
  return Math.max(MIN_SIZE_FACTOR, pixels / (measured.width * measured.height));
}

/** Seconds one browser takes per frame, encoder contention aside. */
export function browserSecondsPerFrame(profile: Profile, measured: Measured, job: RenderJob): number {
  return (profile.paceSPerFrame ?? measured.captureMsPerFrame / 1000) * sizeFactor(measured, job.pixels);
}

/** Seconds per frame of each chunk while `browsers` chunks capture at once: the browser's pace,
 *  or the encoder's when one segment's instance, or the whole pool, cannot keep up. */
export function chunkSecondsPerFrame(profile: Profile, measured: Measured, job: RenderJob, browsers: number): number {
  const encodeCpu = measured.encodeCpuSPerFrame * sizeFactor(measured, job.pixels);
  return Math.max(browserSecondsPerFrame(profile, measured, job), encodeCpu / profile.segmentVcpu, (browsers * encodeCpu) / profile.encoderVcpu);
}

/** Seconds the encoder still works after a chunk's last frame (its lookahead). */
export function encoderTailS(measured: Measured, job: RenderJob): number {
  return (DEPLOYMENT.encoderLookaheadFrames * measured.encodeMsPerFrame * sizeFactor(measured, job.pixels)) / 1000;
}

export function predict(profile: Profile, measured: Measured, job: RenderJob, chunks: number): Prediction {
  const size = sizeFactor(measured, job.pixels);
  const framesPerChunk = Math.ceil(job.frames / chunks);
  const browsers = Math.min(chunks, profile.maxBrowsers);
  const waves = Math.ceil(chunks / browsers);
  const encodeCpuPerFrame = measured.encodeCpuSPerFrame * size;
  // Every open browser feeds its own segment; when the encoder cannot keep up, capture waits on it.
  const paced = browserSecondsPerFrame(profile, measured, job);
  const secondsPerFrame = chunkSecondsPerFrame(profile, measured, job, browsers);
  // A pace measured in place (the local stack's capture loop) already ends with the encoder's tail.
  const tail = profile.paceSPerFrame === null ? encoderTailS(measured, job) : 0;
  // The planning browser captures the first chunk (src/render/plan.ts; at 1920×1080, the size
  // it opens pages at, which the predicted table is about). The other chunks take idle browsers
  // from the pool first (no launch), then launch the rest, the first right after planning, so
  // the last starts (launches - 1) / rate later.
  const reused = Math.min(browsers - 1, profile.idleBrowsers);
  const launches = browsers - 1 - reused;
  const stagger = Number.isFinite(profile.launchesPerSecond) ? Math.max(0, launches - 1) / profile.launchesPerSecond : 0;
  const framesS = framesPerChunk * secondsPerFrame + tail;
  const chunkS = Math.max(profile.browserStartS, profile.encoderStartS) + framesS;
  const firstChunkS = profile.encoderStartS + framesS;
  const reusedChunkS = Math.max(profile.reuseStartS, profile.encoderStartS) + framesS;
  const slowest = Math.max(firstChunkS, reused > 0 ? reusedChunkS : 0, launches > 0 ? stagger + chunkS : 0);
  const paceS = slowest + (waves - 1) * (launches > 0 ? chunkS : firstChunkS);
  // Where cores are shared, all the CPU the render needs spread over them: as the bench measured
  // whole renders (per frame, the first browser's start, and what each further chunk added),
  // else capture plus encode alone and each start.
  const cpuS =
    profile.sharedCores === null
      ? 0
      : profile.sharedCpuSPerFrame !== null
        ? (job.frames * size * profile.sharedCpuSPerFrame + profile.browserStartCpuS + (chunks - 1) * profile.extraChunkCpuS) / profile.sharedCores
        : (job.frames * (measured.captureCpuSPerFrame * size + encodeCpuPerFrame) + (chunks - reused) * profile.browserStartCpuS) /
          profile.sharedCores;
  const captureS = Math.max(paceS, cpuS);
  const planS = profile.hopS + (profile.idleBrowsers > 0 ? profile.reuseStartS : profile.browserStartS);
  const finalizeS = profile.hopS + profile.finalizeFixedS + (job.frames * profile.joinMsPerFrame) / 1000;
  const bound =
    cpuS > paceS
      ? "shared CPU"
      : secondsPerFrame > paced
        ? "encoder"
        : stagger > waves * framesPerChunk * secondsPerFrame
          ? "launch rate"
          : "browser pace";
  const prediction: Prediction = {
    chunks,
    browsers,
    reused,
    waves,
    framesPerChunk,
    secondsPerFrame,
    planS,
    captureS,
    finalizeS,
    wallS: planS + profile.hopS + captureS + finalizeS,
    chunkS,
    fitsConsumerLimit: chunkS <= QUEUES.consumerWallS,
    bound,
    cost: null,
  };
  if (profile.priced) prediction.cost = costOf(profile, measured, job, prediction);
  return prediction;
}

function costOf(profile: Profile, measured: Measured, job: RenderJob, p: Prediction): Cost {
  const size = sizeFactor(measured, job.pixels);
  // Browser time: the plan's probe (whose browser goes on with the first chunk), every other
  // chunk's start (shorter for a browser taken from the pool) and the frames; then each browser
  // stays open keepWarmS for the next render, all of it billed when no render comes to take it.
  const browserS =
    (p.chunks - p.reused) * profile.browserStartS +
    p.reused * profile.reuseStartS +
    job.frames * p.secondsPerFrame +
    p.browsers * profile.keepWarmS;
  const browserHours = browserS / 3600;
  const browserUsd = browserHours * BROWSER.usdPerBrowserHour;
  const peakConcurrencyUsd = (p.browsers * BROWSER.usdPerConcurrentBrowserMonth) / 30;
  // Encoder: active CPU for every frame; memory and disk of each awake instance for the capture,
  // the finalize and the idle time before it sleeps.
  const instances = Math.min(DEPLOYMENT.encoderPool, p.chunks);
  const awakeS = p.captureS + p.finalizeS + ENCODER_SLEEP_AFTER_S;
  const perInstanceS =
    CONTAINERS.instance.memoryGiB * CONTAINERS.usdPerGiBS + CONTAINERS.instance.diskGB * CONTAINERS.usdPerDiskGBS;
  const containerUsd = job.frames * measured.encodeCpuSPerFrame * size * CONTAINERS.usdPerVcpuS + instances * awakeS * perInstanceS;
  // Worker: relaying every frame, and a handful of requests per chunk (queue deliveries,
  // encoder calls, R2, RenderJob updates) — counted as 10.
  const workersUsd =
    (job.frames * WORKERS.relayCpuMsPerFrame * size * WORKERS.usdPerMillionCpuMs) / 1e6 +
    ((p.chunks + 3) * 10 * WORKERS.usdPerMillionRequests) / 1e6;
  // Queue: plan, one capture per chunk, finalize.
  const queuesUsd = ((p.chunks + 2) * QUEUES.opsPerMessage * QUEUES.usdPerMillionOps) / 1e6;
  // R2: a segment per chunk, the output and its thumbnail written; every page load reads the
  // composition's files; finalize reads every segment.
  const classA = p.chunks + 2;
  const classB = (1 + p.chunks) * DEPLOYMENT.filesPerPageLoad + p.chunks;
  const r2Usd = (classA * R2.usdPerMillionClassA + classB * R2.usdPerMillionClassB) / 1e6;
  return {
    browserHours,
    browserUsd,
    containerUsd,
    workersUsd,
    queuesUsd,
    r2Usd,
    totalUsd: browserUsd + containerUsd + workersUsd + queuesUsd + r2Usd,
    peakConcurrencyUsd,
  };
}
