import { describe, expect, it } from "vitest";
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { db } from "../../src/db/client.ts";
import { renders } from "../../src/db/schema.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { STALL_TIMEOUT_MS, type RenderJob } from "../../src/jobs/render-job.ts";
import type { RenderPlan, RenderState } from "../../src/jobs/render-state.ts";
import { MAX_REDISPATCHES } from "../../src/jobs/watchdog.ts";
import { pendingChunks } from "../../src/render/chunks.ts";
import { createAccount, createRender, uploadProject } from "./helpers.ts";

async function newRender() {
  const { key } = await createAccount();
  const assetId = await uploadProject(key);
  const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, fps: 10 });
  return ((await res.json()) as { data: { render_id: string } }).data.render_id;
}

function planOf(frameCount: number, chunkFrames: number): RenderPlan {
  return {
    duration: frameCount / 10,
    frameCount,
    width: 320,
    height: 240,
    scale: 1,
    chunks: pendingChunks(frameCount, chunkFrames, 8),
  };
}

const d1Row = (id: string) => db(env.DB).select().from(renders).where(eq(renders.id, id)).get();

describe("RenderJob chunk ledger", () => {
  it("counts a chunk finished twice once and dispatches finalize exactly once", async () => {
    const id = await newRender();
    const job = renderJob(env, id);
    expect(await job.beginPlanning()).toBe(true);
    expect((await d1Row(id))?.status).toBe("rendering");
    const plan = await job.recordPlan(planOf(30, 10));
    expect(plan.chunks.map((c) => [c.startFrame, c.endFrame])).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
    ]);
    // A duplicate plan delivery gets the first plan back.
    expect((await job.recordPlan(planOf(30, 30))).chunks).toHaveLength(3);

    for (const index of [0, 1]) {
      expect(await job.beginChunk(index)).not.toBeNull();
      expect(await job.completeChunk(index, `seg${index}`)).toEqual({ counted: true, dispatchFinalize: false });
    }
    expect(await job.completeChunk(1, "seg1")).toEqual({ counted: false, dispatchFinalize: false });
    expect(await job.beginChunk(1)).toBeNull(); // a redelivered capture of a done chunk is skipped
    expect((await job.snapshot()).progress).toBeCloseTo((20 / 30) * 0.95);

    await job.beginChunk(2);
    await job.chunkProgress(2, 4);
    expect((await job.snapshot()).progress).toBeCloseTo((24 / 30) * 0.95);
    const [a, b] = await Promise.all([job.completeChunk(2, "seg2"), job.completeChunk(2, "seg2")]);
    expect([a.dispatchFinalize, b.dispatchFinalize].filter(Boolean)).toHaveLength(1);

    await job.complete({ key: "out.mp4", bytes: 123, frameCount: 30, duration: 3 });
    const row = await d1Row(id);
    expect(row).toMatchObject({ status: "completed", outputKey: "out.mp4", frameCount: 30, duration: 3, progress: 1 });
    // A late failure cannot overwrite a completed render.
    await job.fail("late");
    expect((await job.snapshot()).status).toBe("completed");
    expect((await d1Row(id))?.status).toBe("completed");
  });

  it("a failed chunk goes back to pending with its error, and counts attempts", async () => {
    const id = await newRender();
    const job = renderJob(env, id);
    await job.beginPlanning();
    await job.recordPlan(planOf(10, 10));
    await job.beginChunk(0);
    await job.chunkFailed(0, "browser crashed");
    const claim = await job.beginChunk(0);
    expect(claim?.chunk).toMatchObject({ attempts: 2, status: "capturing", lastError: "browser crashed" });
  });

  it("the watchdog re-sends a silent step, then fails a render that stays silent, naming where it stopped", async () => {
    const id = await newRender();
    const job = renderJob(env, id);
    await job.beginPlanning();
    await job.recordPlan(planOf(20, 10));
    await job.beginChunk(0);
    await job.chunkProgress(0, 4);
    await job.chunkFailed(0, "browser disconnected");
    const stub = env.RENDER_JOB.get(env.RENDER_JOB.idFromName(id));
    const age = async (ms: number) =>
      runInDurableObject(stub, async (instance: RenderJob) => {
        const state = (instance as unknown as { state: { progressAt: number } }).state;
        state.progressAt -= ms;
      });
    // One stall window of silence: the step is sent again, the render goes on.
    await age(STALL_TIMEOUT_MS + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    let snapshot = await job.snapshot();
    expect(snapshot).toMatchObject({ status: "rendering", redispatches: 1 });
    // Progress resets the count.
    await job.beginChunk(1);
    expect((await job.snapshot()).redispatches).toBe(0);
    // Silence through every re-send: failed, naming the chunk, frame and last cause.
    for (let i = 0; i <= MAX_REDISPATCHES; i++) {
      await age(STALL_TIMEOUT_MS + 1000);
      await runDurableObjectAlarm(stub);
    }
    snapshot = await job.snapshot();
    expect(snapshot.status).toBe("failed");
    expect(snapshot.failureCategory).toBe("timeout");
    expect(snapshot.failureMessage).toMatch(/timed out capturing chunk 0 at frame 0: no progress for \d+ s although the step was sent again 4 times; last error: browser disconnected/);
    expect((await d1Row(id))?.status).toBe("failed");
  });

  it("a duplicate capture of a chunk being captured right now is refused; a silent one may be taken over", async () => {
    const id = await newRender();
    const job = renderJob(env, id);
    await job.beginPlanning();
    await job.recordPlan(planOf(20, 10));
    expect(await job.beginChunk(0)).not.toBeNull();
    await job.chunkProgress(0, 3);
    expect(await job.beginChunk(0)).toBeNull();
    const stub = env.RENDER_JOB.get(env.RENDER_JOB.idFromName(id));
    await runInDurableObject(stub, async (instance: RenderJob) => {
      const chunk = (instance as unknown as { state: RenderState }).state.plan!.chunks[0]!;
      chunk.heartbeatAt = Date.now() - STALL_TIMEOUT_MS - 1;
    });
    expect((await job.beginChunk(0))?.chunk).toMatchObject({ attempts: 2, framesCaptured: 0 });
  });

  it("a whole-render step is claimed by one delivery at a time, and given back when it fails", async () => {
    const id = await newRender();
    const job = renderJob(env, id);
    await job.beginPlanning();
    expect(await job.claimStep("plan")).toBe(true);
    expect(await job.claimStep("plan")).toBe(false);
    expect(await job.claimStep("finalize")).toBe(true);
    await job.releaseStep("plan");
    expect(await job.claimStep("plan")).toBe(true);
    await job.fail("deleted");
    expect(await job.claimStep("finalize")).toBe(false);
  });
});
