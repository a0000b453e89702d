// Where a render runs, as the cost model needs it: on Cloudflare each browser and each encoder
// instance is its own machine, bounded by the platform's limits (platform.ts); locally every
// browser and FFmpeg share this machine's cores. The same prediction code serves both.
import { BROWSER, CONTAINERS, DEPLOYMENT, QUEUES } from "./platform.ts";
import type { Measured } from "./measured-schema.ts";

export interface Profile {
  name: "local" | "cloudflare";
  /** Browsers one render may have open at once. */
  maxBrowsers: number;
  /** New browsers per second (Browser Rendering's fill-rate limit); Infinity: no limit. */
  launchesPerSecond: number;
  /** Launch a browser and load the composition, before its first frame. */
  browserStartS: number;
  /** Idle browsers the render's chunks can take from the pool instead of launching
   *  (src/jobs/browser-pool.ts); 0 for a render nothing ran just before. */
  idleBrowsers: number;
  /** Connect to an idle browser and load the composition, before its first frame. */
  reuseStartS: number;
  /** How long each browser stays open after its chunk for the next render (BROWSER_WARM_S). */
  keepWarmS: number;
  /** Core-seconds one browser start costs when cores are shared (local); 0 on Cloudflare. */
  browserStartCpuS: number;
  /** One browser's wall seconds per 1080p frame where it was measured in place (the local
   *  stack's capture loop); null: the bench's capture alone (measured.captureMsPerFrame). */
  paceSPerFrame: number | null;
  /** Where cores are shared: the whole render's core-seconds per 1080p frame as measured (its
   *  first browser's start, browserStartCpuS, apart), and what each chunk beyond the first adds
   *  (its browser, pages and encoder). Null: capture alone plus encode alone, plus
   *  browserStartCpuS per start. */
  sharedCpuSPerFrame: number | null;
  extraChunkCpuS: number;
  /** Cores shared by every browser and the encoder; null when each has its own (Cloudflare). */
  sharedCores: number | null;
  /** vCPU the encoder pool gives a render (Cloudflare); Infinity when cores are shared. */
  encoderVcpu: number;
  /** vCPU one segment's FFmpeg can use: a segment is one request to one instance. */
  segmentVcpu: number;
  /** Encoder instance start before its first frame (cold start); 0 locally. */
  encoderStartS: number;
  /** One queue hop (plan → capture → finalize). */
  hopS: number;
  /** Finalize apart from the per-frame join: container call, audio mix, thumbnail, upload. */
  finalizeFixedS: number;
  /** Join (stream copy of the segments) and upload of the output, per frame. */
  joinMsPerFrame: number;
  /** Longest a capture chunk may plan to run (the queue consumer's wall-clock limit). */
  maxChunkS: number;
  /** Cost guard: a chunk's capture must last at least this many times its browser's start. */
  minChunkStartRatio: number;
  /** Cost guard: take the fewest chunks whose predicted wall time is within this share of the best. */
  gainThreshold: number;
  /** Whether the platform's prices apply (locally a render costs nothing but the machine). */
  priced: boolean;
}

/** A split is only worth a new chunk when it saves more than this share of the render's time:
 *  each chunk is a browser session and an encoder segment to pay for and to retry. */
const GAIN_THRESHOLD = 0.05;

/** Both profiles keep a chunk inside the consumer's 15 minutes with room for a retry's start. */
const MAX_CHUNK_S = QUEUES.consumerWallS * DEPLOYMENT.chunkWallShare;

export function cloudflareProfile(measured: Measured): Profile {
  return {
    name: "cloudflare",
    maxBrowsers: Math.min(BROWSER.concurrentPerAccount, QUEUES.consumerConcurrency),
    launchesPerSecond: BROWSER.newPerSecond,
    browserStartS: BROWSER.startS,
    idleBrowsers: 0,
    reuseStartS: BROWSER.reuseStartS,
    keepWarmS: DEPLOYMENT.browserWarmS,
    browserStartCpuS: 0,
    paceSPerFrame: null,
    sharedCpuSPerFrame: null,
    extraChunkCpuS: 0,
    sharedCores: null,
    encoderVcpu: DEPLOYMENT.encoderPool * CONTAINERS.instance.vcpu,
    segmentVcpu: CONTAINERS.instance.vcpu,
    encoderStartS: CONTAINERS.coldStartS,
    hopS: QUEUES.hopS,
    // Not measured yet (the bench does not time finalize alone): assumed 2 s for the container
    // call, the audio mix and the thumbnail.
    finalizeFixedS: measured.finalizeS ?? 2,
    // Assumed: a stream copy moves a 1080p crf-18 frame (~40 KB) through R2, the Worker and the
    // container at a few hundred MB/s: 0.3 ms a frame (10 min of video ≈ 5 s).
    joinMsPerFrame: 0.3,
    maxChunkS: MAX_CHUNK_S,
    // A remote browser's start costs browser-hours, not wall time of anything else: a chunk may
    // be as short as twice its start.
    minChunkStartRatio: 2,
    gainThreshold: GAIN_THRESHOLD,
    priced: true,
  };
}

/** Locally: `cores` is this machine's (the local stack passes LOCAL_CORES). Where the bench
 *  measured the local stack's own renders, the profile takes their phases and CPU: capture
 *  alone on a quiet browser misses what sharing two cores with FFmpeg and the Worker costs, and
 *  predicted a second chunk faster where the bench measured it slower. */
export function localProfile(measured: Measured, cores: number): Profile {
  const hopS = 0.1;
  const stack = measured.localRender;
  const cpuOf = (chunks: number) => measured.renders.find((r) => r.chunks === chunks)?.cpuS;
  const [one, two] = [cpuOf(1), cpuOf(2)];
  // Measured on this many cores; elsewhere the per-frame CPU holds, the pace does not.
  const sameMachine = measured.cores === cores;
  // The bench's start is measured from submit, so it holds the plan's queue hop and the hop the
  // model puts before capture too. Not measured: local Chromium starts and loads a page in about
  // 1.5 s, nearly all of it on one core.
  const startS = stack ? Math.max(0.1, stack.startS - 2 * hopS) : (measured.browserStartS ?? 1.5);
  return {
    name: "local",
    // Each capturing browser keeps about one core busy; one more than the cores lets the
    // model weigh the encoder's share against a third browser, never more.
    maxBrowsers: Math.max(1, cores + 1),
    launchesPerSecond: Infinity,
    browserStartS: startS,
    idleBrowsers: 0,
    // A local browser already running only loads the page: about half a second.
    reuseStartS: 0.5,
    keepWarmS: 0,
    // A launch and page load keep about one core busy while they last.
    browserStartCpuS: startS,
    paceSPerFrame: stack && sameMachine ? stack.loopMsPerFrame / 1000 : null,
    sharedCpuSPerFrame: one ? Math.max(0, one - startS) / measured.frames : null,
    // A second chunk's cost, as the bench measured it at 300 frames, counted once per chunk: a
    // 30 s render (900 frames) on 2 cores took 28.2 / 27.9 s in one chunk against 29.2 / 30.8 s
    // in two, a smaller gap than at 300 frames (10.9 against 14.4 s), so it does not grow with
    // the frames.
    extraChunkCpuS: one && two ? Math.max(0, two - one) : startS,
    sharedCores: cores,
    encoderVcpu: Infinity,
    segmentVcpu: cores,
    encoderStartS: 0,
    hopS,
    finalizeFixedS: stack ? Math.max(0, stack.finalizeS - hopS - (measured.frames * LOCAL_JOIN_MS_PER_FRAME) / 1000) : (measured.finalizeS ?? 1),
    joinMsPerFrame: LOCAL_JOIN_MS_PER_FRAME,
    maxChunkS: MAX_CHUNK_S,
    // A local browser start takes cores the other browsers and FFmpeg are using: split only
    // when a chunk runs at least ten times as long as its start.
    minChunkStartRatio: 10,
    gainThreshold: GAIN_THRESHOLD,
    priced: false,
  };
}

/** Locally the join is a stream copy on the same disk. */
const LOCAL_JOIN_MS_PER_FRAME = 0.3;
