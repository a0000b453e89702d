import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { pendingChunks } from "../../src/render/chunks.ts";
import { api, createAccount, createRender, uploadProject } from "./helpers.ts";
import { sseReader } from "../../scripts/lib/sse-reader.ts";

async function newRender() {
  const { key } = await createAccount();
  const assetId = await uploadProject(key);
  const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, fps: 10 });
  return { key, id: ((await res.json()) as { data: { render_id: string } }).data.render_id };
}

describe("GET /v3/hyperframes/renders/{id}/events", () => {
  it("streams status and progress from the RenderJob and closes at the end", async () => {
    const { key, id } = await newRender();
    const res = await api(key, `/v3/hyperframes/renders/${id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const sse = sseReader(res);
    const first = await sse.next();
    expect(first).toMatchObject({ event: "status", data: { status: "queued", progress: 0 } });

    const job = renderJob(env, id);
    await job.beginPlanning();
    expect(await sse.next()).toMatchObject({ event: "status", data: { status: "rendering" } });
    await job.recordPlan({
      duration: 2,
      frameCount: 20,
      width: 320,
      height: 240,
      scale: 1,
      chunks: pendingChunks(20, 20, 1),
    });
    expect((await sse.next())?.event).toBe("progress");
    await job.beginChunk(0);
    await sse.next();
    await job.chunkProgress(0, 10);
    const halfway = await sse.next();
    expect(halfway?.data.progress).toBeCloseTo(0.475);
    await job.completeChunk(0, "seg");
    await sse.next();
    await job.complete({ key: "out", bytes: 1, frameCount: 20, duration: 2 });
    const last = await sse.next();
    expect(last).toMatchObject({ event: "status", data: { status: "completed", progress: 1 } });
    expect(await sse.next()).toBeNull(); // the stream ends with the render
    const ids = sse.raw.map((b) => Number(/^id: (\d+)/m.exec(b)?.[1]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b)); // ids only increase
  });

  it("resumes with Last-Event-ID: nothing is repeated that the client already has", async () => {
    const { key, id } = await newRender();
    const first = sseReader(await api(key, `/v3/hyperframes/renders/${id}/events`));
    const snapshot = await first.next();
    // Reconnect claiming the latest id: no snapshot is resent; the next change arrives.
    const resumed = sseReader(await api(key, `/v3/hyperframes/renders/${id}/events`, { headers: { "last-event-id": snapshot!.id } }));
    await renderJob(env, id).beginPlanning();
    const next = await resumed.next();
    expect(next).toMatchObject({ event: "status", data: { status: "rendering" } });
    expect(Number(next!.id)).toBeGreaterThan(Number(snapshot!.id));
    // Reconnect with an old id: the latest snapshot comes at once.
    const stale = sseReader(await api(key, `/v3/hyperframes/renders/${id}/events`, { headers: { "last-event-id": "0" } }));
    expect((await stale.next())?.data.status).toBe("rendering");
  });

  it("sends the final state and closes for a render that has already ended; 404 for others' renders", async () => {
    const { key, id } = await newRender();
    await renderJob(env, id).fail("it broke");
    const sse = sseReader(await api(key, `/v3/hyperframes/renders/${id}/events`));
    expect(await sse.next()).toMatchObject({ data: { status: "failed" } });
    expect(await sse.next()).toBeNull();
    const other = await createAccount();
    expect((await api(other.key, `/v3/hyperframes/renders/${id}/events`)).status).toBe(404);
  });
});
