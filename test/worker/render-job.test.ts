import { describe, expect, it } from "vitest";
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { db } from "../../src/db/client.ts";
import { renders } from "../../src/db/schema.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { STALL_TIMEOUT_MS, type RenderJob } from "../../src/jobs/render-job.ts";
import type { RenderPlan } from "../../src/jobs/render-state.ts";
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

  it("the watchdog alarm fails a render that stopped making progress", async () => {
    const id = await newRender();
    const stub = env.RENDER_JOB.get(env.RENDER_JOB.idFromName(id));
    await runInDurableObject(stub, async (instance: RenderJob) => {
      // Age the in-memory state as if nothing had happened for longer than the stall timeout.
      (instance as unknown as { state: { updatedAt: number } }).state.updatedAt = Date.now() - STALL_TIMEOUT_MS - 1000;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const snapshot = await renderJob(env, id).snapshot();
    expect(snapshot.status).toBe("failed");
    expect(snapshot.failureMessage).toMatch(/timed out: no progress for \d+ s/);
    expect((await d1Row(id))?.status).toBe("failed");
  });
});
