// The chunk planner's cost model (src/render/cloud-model/) and the choice it makes
// (src/render/chunk-count.ts): more chunks for longer renders, never past the platform's or the
// operator's limits, predicted time that falls and then flattens, a local profile that does not
// over-split a small machine, and CHUNK_FRAMES still fixing the chunk size when set.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { configFrom, type Config } from "../../src/config.ts";
import { MEASURED } from "../../src/render/cloud-model/measured.ts";
import { MeasuredSchema } from "../../src/render/cloud-model/measured-schema.ts";
import { cloudflareProfile, localProfile } from "../../src/render/cloud-model/profiles.ts";
import { chooseChunks } from "../../src/render/cloud-model/choose.ts";
import { predict } from "../../src/render/cloud-model/predict.ts";
import { BROWSER, QUEUES } from "../../src/render/cloud-model/platform.ts";
import { plannedChunks, profileFor } from "../../src/render/chunk-count.ts";

const HD = 1920 * 1080;
const fps30 = (seconds: number) => seconds * 30;
const cloud = cloudflareProfile(MEASURED);
const local2 = localProfile(MEASURED, 2);
const choose = (profile = cloud, seconds = 60, cap = 1000, measured = MEASURED) =>
  chooseChunks(profile, measured, { frames: fps30(seconds), pixels: HD }, cap);

describe("cost model and chunk choice (cloudflare profile)", () => {
  it("reads the committed bench figures, which parse", () => {
    expect(MeasuredSchema.parse(MEASURED)).toEqual(MEASURED);
  });

  it("gives a 10-minute render more chunks than a 60-second one, and that more than a 10-second one", () => {
    const [short, minute, long] = [10, 60, 600].map((s) => choose(cloud, s).chunks);
    expect(minute).toBeGreaterThan(short!);
    expect(long).toBeGreaterThan(minute!);
  });

  it("with idle browsers in the pool, takes them before launching: more chunks, no launch stagger, a faster render", () => {
    const cold = choose(cloud, 60, 30).prediction;
    const warm = choose({ ...cloud, idleBrowsers: 30 }, 60, 30).prediction;
    expect(cold.reused).toBe(0);
    expect(warm.reused).toBe(warm.browsers - 1); // every browser but the planning one's
    expect(warm.chunks).toBeGreaterThan(cold.chunks);
    expect(warm.wallS).toBeLessThan(cold.wallS);
    // Two idle browsers: the third chunk's browser is launched, and starts as one does.
    const few = predict({ ...cloud, idleBrowsers: 2 }, MEASURED, { frames: fps30(60), pixels: HD }, 4);
    const none = predict(cloud, MEASURED, { frames: fps30(60), pixels: HD }, 4);
    expect(few.reused).toBe(2);
    expect(few.captureS).toBeCloseTo(none.captureS - 2 / BROWSER.newPerSecond, 5); // two launches fewer ahead of the last
  });

  it("never goes past the account's concurrent browsers, nor the operator's cap", () => {
    for (const seconds of [1, 10, 60, 600, 1800]) {
      expect(choose(cloud, seconds, 10_000).chunks).toBeLessThanOrEqual(BROWSER.concurrentPerAccount);
      expect(choose(cloud, seconds, 7).chunks).toBeLessThanOrEqual(7);
    }
  });

  it("predicts time that falls with more chunks, then flattens: the choice is within 5 % of the best", () => {
    const { candidates, prediction } = choose(cloud, 60);
    const walls = candidates.map((c) => c.wallS);
    const best = Math.min(...walls);
    expect(walls[0]! / prediction.wallS).toBeGreaterThan(2);
    expect(prediction.wallS).toBeLessThanOrEqual(best * 1.05);
    // Past the best count, staggered launches make each extra browser cost more than it saves.
    const beyond = predict(cloud, MEASURED, { frames: fps30(60), pixels: HD }, candidates.length * 3);
    expect(beyond.wallS).toBeGreaterThan(best);
  });

  it("keeps every chunk inside the queue consumer's 15 minutes", () => {
    const { prediction } = choose(cloud, 1800);
    expect(prediction.chunkS).toBeLessThanOrEqual(QUEUES.consumerWallS);
    expect(prediction.fitsConsumerLimit).toBe(true);
  });

  it("does not split below the minimum chunk length (a chunk lasts at least twice its browser's start)", () => {
    expect(choose(cloud, 1).chunks).toBe(1);
    const { chunks, minChunkFrames } = choose(cloud, 10);
    expect(Math.floor(fps30(10) / chunks)).toBeGreaterThanOrEqual(minChunkFrames);
  });

  it("follows the measured figures: faster capture, shorter predicted render", () => {
    const faster = { ...MEASURED, captureMsPerFrame: MEASURED.captureMsPerFrame / 2 };
    expect(choose(cloud, 60, 30, faster).prediction.wallS).toBeLessThan(choose(cloud, 60, 30).prediction.wallS);
  });

  it("prices a longer render higher, with browser hours at least its frames' capture time", () => {
    const [short, long] = [10, 600].map((s) => choose(cloud, s, 30).prediction);
    expect(long!.cost!.totalUsd).toBeGreaterThan(short!.cost!.totalUsd);
    expect(long!.cost!.browserHours).toBeGreaterThanOrEqual((fps30(600) * MEASURED.captureMsPerFrame) / 1000 / 3600);
  });
});

describe("cost model and chunk choice (local profile)", () => {
  it("on 2 cores, splits 10 s and 60 s of 1080p into at most 3 chunks, choosing what the bench measured fastest", () => {
    for (const seconds of [10, 60]) expect(choose(local2, seconds).chunks).toBeLessThanOrEqual(3);
    // The bench rendered these 300 frames at several chunk counts: the choice must be one of the
    // fastest measured (the planner takes the fewest chunks within 5 % of the best).
    const chosen = MEASURED.renders.find((r) => r.chunks === choose(local2, 10).chunks);
    const fastest = Math.min(...MEASURED.renders.map((r) => r.wallS));
    expect(chosen, "the bench measured the chosen count").toBeDefined();
    expect(chosen!.wallS).toBeLessThanOrEqual(fastest * 1.05);
  });

  it("keeps a short small composition in one chunk, as the e2e suites' default expects", () => {
    expect(chooseChunks(local2, MEASURED, { frames: 30, pixels: 320 * 180 }, 30).chunks).toBe(1);
    expect(chooseChunks(local2, MEASURED, { frames: 90, pixels: 1280 * 720 }, 30).chunks).toBe(1);
  });

  it("predicts from the local stack's own renders where the bench measured them: their phases, their CPU, and a second chunk that costs more", () => {
    // A bench run of 300 frames on 2 cores: one chunk took 10.9 s (1.0 s to the first frame,
    // 32 ms a frame, 0.4 s to completed) and 19.2 core-s; two chunks 14.4 s and 23.7 core-s.
    const measured = MeasuredSchema.parse({
      ...MEASURED,
      cores: 2,
      frames: 300,
      renders: [
        { chunks: 1, wallS: 10.9, cpuS: 19.2 },
        { chunks: 2, wallS: 14.4, cpuS: 23.7 },
      ],
      localRender: { startS: 1.0, loopMsPerFrame: 32, finalizeS: 0.4 },
    });
    const profile = localProfile(measured, 2);
    const [one, two] = [1, 2].map((chunks) => predict(profile, measured, { frames: 300, pixels: HD }, chunks));
    // One chunk: its phases add up to what was measured, within 5 %.
    expect(Math.abs(one!.wallS - 10.9) / 10.9).toBeLessThan(0.05);
    // Two chunks share the same cores with more browsers: slower, as measured.
    expect(two!.wallS).toBeGreaterThan(one!.wallS);
    expect(two!.bound).toBe("shared CPU");
    // So longer renders stay in one chunk on this machine, where the old model split them.
    for (const seconds of [30, 60, 600]) expect(chooseChunks(profile, measured, { frames: fps30(seconds), pixels: HD }, 30).chunks).toBe(1);
    // Without the stack's measurements the profile falls back to capture and encode alone.
    const { localRender: _phases, ...older } = measured;
    const fallback = localProfile({ ...older, renders: measured.renders.map(({ chunks, wallS }) => ({ chunks, wallS })) }, 2);
    expect(fallback.sharedCpuSPerFrame).toBeNull();
    expect(fallback.paceSPerFrame).toBeNull();
  });

  it("is bound by the shared CPU once split: capture plus encode over the cores", () => {
    const p = predict(local2, MEASURED, { frames: 300, pixels: HD }, 3);
    expect(p.bound).toBe("shared CPU");
    expect(p.captureS).toBeGreaterThanOrEqual((300 * (MEASURED.captureCpuSPerFrame + MEASURED.encodeCpuSPerFrame)) / 2);
  });
});

describe("the planner's settings", () => {
  const base = configFrom(env);
  const config = (over: Partial<Config>): Config => ({ ...base, ...over });

  it("leaves CHUNK_FRAMES unset in the deployed config, so the model chooses", () => {
    expect(base.chunkFrames).toBeUndefined();
    expect(profileFor(base).name).toBe("cloudflare");
    expect(profileFor(config({ encoderLocalOrigin: "http://127.0.0.1:8788" })).name).toBe("local");
    expect(profileFor(config({ encoderLocalOrigin: "http://127.0.0.1:8788", renderProfile: "cloudflare" })).name).toBe("cloudflare");
  });

  it("CHUNK_FRAMES fixes the chunk size as before; MAX_CHUNKS caps either way", () => {
    expect(plannedChunks(config({ chunkFrames: 10 }), "r", 30, 320 * 180)).toHaveLength(3);
    expect(plannedChunks(config({ chunkFrames: 10, maxChunks: 2 }), "r", 30, 320 * 180)).toHaveLength(2);
    expect(plannedChunks(config({ maxChunks: 4 }), "r", fps30(600), HD)).toHaveLength(4);
  });

  it("splits the model's count evenly, covering every frame once", () => {
    const chunks = plannedChunks(base, "r", fps30(60), HD);
    expect(chunks).toHaveLength(choose(cloud, 60, base.maxChunks).chunks);
    expect(chunks[0]!.startFrame).toBe(0);
    expect(chunks.at(-1)!.endFrame).toBe(fps30(60));
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.startFrame).toBe(chunks[i - 1]!.endFrame);
    const sizes = chunks.map((c) => c.endFrame - c.startFrame);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(chunks.every((c) => c.status === "pending" && c.attempts === 0)).toBe(true);
  });
});
