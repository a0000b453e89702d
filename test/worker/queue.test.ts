// The queue consumer: idempotent steps, bounded retries, and a failure message naming the step.
import { describe, expect, it } from "vitest";
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import worker from "../../src/index.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { MAX_ATTEMPTS } from "../../src/jobs/consumer.ts";
import type { RenderPlan } from "../../src/jobs/render-state.ts";
import { pendingChunks } from "../../src/render/chunks.ts";
import { createAccount, createRender, uploadProject } from "./helpers.ts";

async function plannedRender(frameCount = 20) {
  const { key } = await createAccount();
  const assetId = await uploadProject(key);
  const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, fps: 10 });
  const renderId = ((await res.json()) as { data: { render_id: string } }).data.render_id;
  const job = renderJob(env, renderId);
  await job.beginPlanning();
  const plan: RenderPlan = {
    duration: frameCount / 10,
    frameCount,
    width: 320,
    height: 240,
    scale: 1,
    chunks: pendingChunks(frameCount, 10, 8),
  };
  await job.recordPlan(plan);
  return { renderId, job };
}

async function deliver(queue: string, body: unknown, attempts = 1) {
  const batch = createMessageBatch(queue, [{ id: "m1", timestamp: Date.now(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe("render queue consumer", () => {
  it("acks a malformed message instead of retrying it forever", async () => {
    const result = await deliver("reelflare-render", { kind: "explode" });
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("acks a redelivered capture of a chunk that is already done, without redoing it", async () => {
    const { renderId, job } = await plannedRender();
    await job.beginChunk(0);
    await job.completeChunk(0, "seg0");
    const result = await deliver("reelflare-render", { kind: "capture", renderId, chunkIndex: 0 });
    expect(result.explicitAcks).toEqual(["m1"]);
    const chunk = (await job.snapshot()).plan!.chunks[0]!;
    expect(chunk).toMatchObject({ status: "done", attempts: 1, segmentKey: "seg0" });
  });

  it("retries a failing step with backoff, then fails the render naming the step and cause", async () => {
    const { renderId, job } = await plannedRender();
    const body = { kind: "capture", renderId, chunkIndex: 7 };
    const first = await deliver("reelflare-render", body, 1);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(first.explicitAcks).toEqual([]);
    expect((await job.snapshot()).status).toBe("rendering");

    const last = await deliver("reelflare-render", body, MAX_ATTEMPTS);
    expect(last.explicitAcks).toEqual(["m1"]);
    const snapshot = await job.snapshot();
    expect(snapshot.status).toBe("failed");
    expect(snapshot.failureMessage).toBe(`capturing chunk 7 failed after ${MAX_ATTEMPTS} attempts: render has no chunk 7`);
  });

  it("ignores steps for a render that is already over", async () => {
    const { renderId, job } = await plannedRender();
    await job.fail("cancelled for the test");
    for (const body of [
      { kind: "plan", renderId },
      { kind: "capture", renderId, chunkIndex: 0 },
      { kind: "finalize", renderId },
    ]) {
      const result = await deliver("reelflare-render", body);
      expect(result.explicitAcks).toEqual(["m1"]);
    }
    expect((await job.snapshot()).failureMessage).toBe("cancelled for the test");
  });

  it("fails a render whose message was dead-lettered", async () => {
    const { renderId, job } = await plannedRender();
    const result = await deliver("reelflare-render-dlq", { kind: "finalize", renderId });
    expect(result.explicitAcks).toEqual(["m1"]);
    const snapshot = await job.snapshot();
    expect(snapshot.status).toBe("failed");
    expect(snapshot.failureMessage).toMatch(/^finalizing could not be completed/);
  });
});
