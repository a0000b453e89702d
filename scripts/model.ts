// `npm run model`: predicted DEPLOYED wall time and cost of 10 s, 60 s and 10 min of 1080p30,
// from the bench's last measured per-frame figures (src/render/cloud-model/measured.ts, written
// by `npm run bench`) and Cloudflare's published limits and prices (platform.ts). The chunk
// counts are the ones the planner would choose. Nothing is run or deployed: it is arithmetic,
// and every assumption it rests on is marked NOT PUBLISHED / NOT MEASURED in platform.ts.
import fs from "node:fs";
import path from "node:path";
import { MEASURED } from "../src/render/cloud-model/measured.ts";
import type { Measured } from "../src/render/cloud-model/measured-schema.ts";
import { BROWSER, CONTAINERS, DEPLOYMENT, QUEUES } from "../src/render/cloud-model/platform.ts";
import { cloudflareProfile, localProfile, type Profile } from "../src/render/cloud-model/profiles.ts";
import { chooseChunks } from "../src/render/cloud-model/choose.ts";
import { predict } from "../src/render/cloud-model/predict.ts";
import { projectRoot } from "./lib/paths.ts";

const FPS = 30;
const PIXELS = 1920 * 1080;
const LENGTHS = [
  { label: "10 s", seconds: 10 },
  { label: "60 s", seconds: 60 },
  { label: "10 min", seconds: 600 },
];
/** Remotion Lambda's published figures (remotion.dev/docs/lambda): 1 min in 28.3 s, 10 min in 64.8 s. */
const REMOTION: Record<string, number> = { "60 s": 28.3, "10 min": 64.8 };
const GOAL = { label: "60 s", wallS: 15 };

/** The deployment's MAX_CHUNKS, read from wrangler.toml so the table shows what deploys. */
function deployedMaxChunks(): number {
  const toml = fs.readFileSync(path.join(projectRoot, "wrangler.toml"), "utf8");
  return Number(/^MAX_CHUNKS\s*=\s*"(\d+)"/m.exec(toml)?.[1] ?? 8);
}

const s = (n: number) => Number(n.toFixed(1));
const usd = (n: number) => `$${n.toFixed(3)}`;

/**
 * Warm: the profile of a render that starts within BROWSER_WARM_S of another of the same length
 * (a steady stream of renders): it takes the browsers that one left idle in the pool
 * (src/jobs/browser-pool.ts) instead of launching them, and finds the encoders awake (they sleep
 * 5 minutes after a render's last request). Each render leaves the browsers it used, so the
 * count settles where a render uses as many as the last one left.
 */
function warm(cold: Profile, measured: Measured, frames: number, cap: number): Profile {
  let profile: Profile = { ...cold, idleBrowsers: 0, encoderStartS: 0 };
  for (let i = 0; i < 20; i++) {
    const left = chooseChunks(profile, measured, { frames, pixels: PIXELS }, cap).prediction.browsers;
    if (left === profile.idleBrowsers) break;
    profile = { ...profile, idleBrowsers: left };
  }
  return profile;
}

function rows(profileFor: (frames: number) => Profile, measured: Measured, cap: number) {
  return LENGTHS.map(({ label, seconds }) => {
    const { prediction: p } = chooseChunks(profileFor(seconds * FPS), measured, { frames: seconds * FPS, pixels: PIXELS }, cap);
    return {
      video: label,
      chunks: p.chunks,
      browsers: p.browsers,
      "taken idle": p.reused,
      "wall s": s(p.wallS),
      "plan / capture / finalize s": `${s(p.planS)} / ${s(p.captureS)} / ${s(p.finalizeS)}`,
      "capture bound by": p.bound,
      cost: p.cost ? usd(p.cost.totalUsd) : "-",
      "browser h": p.cost ? Number(p.cost.browserHours.toFixed(3)) : "-",
      "+ peak-day concurrency": p.cost ? usd(p.cost.peakConcurrencyUsd) : "-",
      "Remotion Lambda s": REMOTION[label] ?? "-",
    };
  });
}

/** The goal's wall time if capture took `ms` per frame, everything else as measured. */
function goalWallAt(profile: Profile, cap: number, ms: number): number {
  const measured = { ...MEASURED, captureMsPerFrame: ms };
  return chooseChunks(profile, measured, { frames: 60 * FPS, pixels: PIXELS }, cap).prediction.wallS;
}

/** The capture ms/frame at which the goal's length would just meet the goal's time. */
function captureNeededFor(profile: Profile, cap: number): number | null {
  const wallAt = (ms: number) => goalWallAt(profile, cap, ms);
  if (wallAt(0.01) > GOAL.wallS) return null;
  let lo = 0.01;
  let hi = MEASURED.captureMsPerFrame;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (wallAt(mid) <= GOAL.wallS) lo = mid;
    else hi = mid;
  }
  return lo;
}

const cap = deployedMaxChunks();
const cloud = cloudflareProfile(MEASURED);
console.log(
  `inputs: bench of ${MEASURED.measuredAt} on ${MEASURED.cores} cores — capture ${MEASURED.captureMsPerFrame} ms/frame ` +
    `(${MEASURED.captureCpuSPerFrame} core-s) for one browser, encode ${MEASURED.encodeCpuSPerFrame} core-s/frame; ` +
    `Browser Rendering ${BROWSER.concurrentPerAccount} browsers, ${BROWSER.newPerSecond} new/s, ${BROWSER.startS} s start (assumed); ` +
    `encoder pool ${DEPLOYMENT.encoderPool} × ${CONTAINERS.instance.name}; consumer limit ${QUEUES.consumerWallS / 60} min`,
);
console.log(`\nCloudflare, as deployed (MAX_CHUNKS ${cap}), cold: no render ran in the last ${DEPLOYMENT.browserWarmS} s, every browser is launched:`);
const deployed = rows(() => cloud, MEASURED, cap);
console.table(deployed);
console.log(
  `Cloudflare, warm: renders of one length each within ${DEPLOYMENT.browserWarmS} s of the last, taking the browsers it left ` +
    `idle (connect + page load ${BROWSER.reuseStartS} s, assumed; no launch) with the encoders still awake:`,
);
const warmRows = rows((frames) => warm(cloud, MEASURED, frames, cap), MEASURED, cap);
console.table(warmRows);
console.log(`Cloudflare, cold, MAX_CHUNKS raised to the account's ${cloud.maxBrowsers} browsers (one render alone):`);
console.table(rows(() => cloud, MEASURED, cloud.maxBrowsers));

const goal = deployed.find((r) => r.video === GOAL.label)!;
const goalWarm = warmRows.find((r) => r.video === GOAL.label)!;
const goalPrediction = chooseChunks(cloud, MEASURED, { frames: 60 * FPS, pixels: PIXELS }, cap).prediction;
const launchS = (goalPrediction.browsers - 1) / cloud.launchesPerSecond;
const framesS = goalPrediction.framesPerChunk * goalPrediction.secondsPerFrame;
console.log(
  `\ngoal: ${GOAL.label} of 1080p30 in ≤ ${GOAL.wallS} s — warm: predicted ${goalWarm["wall s"]} s with ${goalWarm.chunks} chunks, ` +
    `${goalWarm["wall s"] <= GOAL.wallS ? "MET" : "NOT MET"}; cold: predicted ${goal["wall s"]} s with ${goal.chunks} chunks, ` +
    `${goal["wall s"] <= GOAL.wallS ? "MET" : "NOT MET"}. The cold render's capture is ${s(goalPrediction.captureS)} s: ` +
    `${s(framesS)} s of frames per browser at ${MEASURED.captureMsPerFrame} ms/frame, ${s(launchS)} s of staggered ` +
    `launches (${BROWSER.newPerSecond}/s), ${Math.max(cloud.browserStartS, cloud.encoderStartS)} s start; plan and finalize ` +
    `add ${s(goalPrediction.planS + goalPrediction.finalizeS + cloud.hopS)} s.`,
);
const needed = captureNeededFor(cloud, cap);
const neededWarm = captureNeededFor(warm(cloud, MEASURED, 60 * FPS, cap), cap);
console.log(
  `to meet it with launches as published, capture would have to take ` +
    (needed === null
      ? `less than nothing: at 0 ms/frame the render still takes ${s(goalWallAt(cloud, cap, 0.01))} s (plan, browser and ` +
        `encoder starts, one 4-vCPU encoder per segment, finalize)`
      : `≤ ${s(needed)} ms/frame`) +
    `; warm (browsers taken from the pool, encoders awake), ` +
    `${neededWarm === null ? "not even at 0 ms/frame" : `≤ ${s(neededWarm)} ms/frame`}.`,
);

const local = localProfile(MEASURED, MEASURED.cores);
console.log(`\nlocal profile (${MEASURED.cores} cores) against the bench's own renders of ${MEASURED.frames} frames:`);
console.table(
  MEASURED.renders.map((r) => ({
    chunks: r.chunks,
    "measured s": r.wallS,
    "predicted s": s(predict(local, MEASURED, { frames: MEASURED.frames, pixels: PIXELS }, r.chunks).wallS),
  })),
);
console.log(`the planner's local choice for them: ${chooseChunks(local, MEASURED, { frames: MEASURED.frames, pixels: PIXELS }, cap).chunks} chunk(s)`);
