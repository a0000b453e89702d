// The varg cloud render API contract (/api): status codes, shapes, limits, SSE, tenancy.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { app } from "../../src/app.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { r2Keys as listKeys, createAccount, createRender, uploadProject, api } from "./helpers.ts";

const SCENE = `import { Render, Clip, Image, Title } from "vargai/react";
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration={1}><Image src="https://media.example/a.png" /></Clip>
    <Clip duration={1} transition={{ name: "fade", duration: 0.5 }}><Title>Hi</Title></Clip>
  </Render>
);`;

const VIDEO_SCENE = SCENE.replace('<Image src="https://media.example/a.png" />', '<Video src="https://media.example/a.mp4" />').replace(
  "Image, Title",
  "Image, Video, Title",
);

type VargError = { error: string; message: string; line?: number; column?: number };

function call(vars: Record<string, unknown> = {}) {
  const custom = { ...env, ...vars };
  return (key: string | null, path: string, init: RequestInit = {}) =>
    app.request(
      path,
      {
        ...init,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json", ...init.headers },
      },
      custom,
    );
}

const submit = (c: ReturnType<typeof call>, key: string, body: unknown) =>
  c(key, "/api/render", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });

describe("POST /api/render", () => {
  it("accepts a scene: 202 with job_id, status, estimate and queue; rate-limit headers with an ISO reset", async () => {
    const c = call();
    const { key } = await createAccount();
    const res = await submit(c, key, { code: VIDEO_SCENE });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job_id: string; status: string; estimated_duration_ms: number; queue: { active: number; waiting: number } };
    expect(body.job_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.status).toBe("rendering");
    expect(body.estimated_duration_ms).toBeGreaterThan(0);
    expect(body.queue).toEqual({ active: 0, waiting: 1 });
    expect(res.headers.get("x-ratelimit-limit")).toBe("10");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("9");
    expect(new Date(res.headers.get("x-ratelimit-reset")!).getTime()).toBeGreaterThan(Date.now());

    const job = await c(key, `/api/render/jobs/${body.job_id}`);
    expect(job.status).toBe(200);
    const view = (await job.json()) as Record<string, unknown>;
    expect(view).toMatchObject({ job_id: body.job_id, status: "rendering", output_url: null, files: [], completed_at: null });
    expect(new Date(view.created_at as string).toISOString()).toBe(view.created_at);
    // The render is a video (the scene has a <Video>), kept for the prepare phase.
    const snapshot = await renderJob(env, body.job_id).snapshot();
    expect(snapshot.spec).toMatchObject({ dialect: "varg", output: "video", prepare: "varg-scene", fps: 10 });
  });

  it("defaults an image-only scene to frames, unless output says video", async () => {
    const c = call();
    const { key } = await createAccount();
    const idOf = async (res: Response) => ((await res.json()) as { job_id: string }).job_id;
    const auto = await idOf(await submit(c, key, { code: SCENE }));
    expect((await renderJob(env, auto).snapshot()).spec.output).toBe("stills");
    const explicit = await idOf(await submit(c, key, { code: SCENE, output: "video" }));
    expect((await renderJob(env, explicit).snapshot()).spec.output).toBe("video");
  });

  it.each([
    ["not JSON", "{code:", 400, "Invalid JSON body", /not valid JSON/],
    ["no code", {}, 400, "Invalid request", /code/],
    ["empty code", { code: "" }, 400, "Invalid request", /code must not be empty/],
    ["unknown output", { code: SCENE, output: "gif" }, 400, "Invalid request", /output/],
    ["unknown mode", { code: SCENE, mode: "fast" }, 400, "Invalid request", /mode/],
    ["providerKeys not a map of strings", { code: SCENE, providerKeys: { fal: 42 } }, 400, "Invalid request", /providerKeys\.fal/],
    ["a syntax error", { code: "export default <Render>\n  <Clip duration={1}>\n</Render>;" }, 400, "Invalid render code", /line \d+/],
    ["no default export", { code: 'import { Render } from "vargai/react";\nconst x = <Render />;' }, 400, "Invalid render code", /default/],
    ["a default export that is not <Render>", { code: 'import { Clip } from "vargai/react";\nexport default <Clip duration={1} />;' }, 400, "Invalid render code", /Render/],
    ["another import", { code: 'import fs from "fs";\nfs.readFileSync("/etc/passwd");\nexport default null;' }, 400, "Invalid render code", /"fs"/],
    ["a prop of the wrong type", { code: SCENE.replace("duration={1}>", 'duration="five">') }, 400, "Invalid render code", /duration/],
    ["a private media URL", { code: SCENE.replace("https://media.example/a.png", "http://10.0.0.1/a.png") }, 400, "Invalid render code", /10\.0\.0\.1/],
    ["a non-http media URL", { code: SCENE.replace("https://media.example/a.png", "file:///etc/passwd") }, 400, "Invalid render code", /file:/],
  ])("refuses %s with a clear error and creates nothing", async (_, body, status, error, message) => {
    const c = call();
    const { key, accountId } = await createAccount();
    const before = (await listKeys("assets/")).length;
    const res = await submit(c, key, body);
    expect(res.status).toBe(status);
    const err = (await res.json()) as VargError;
    expect(err.error).toBe(error);
    expect(err.message).toMatch(message);
    expect((await listKeys("assets/")).length).toBe(before);
    const list = (await (await c(key, "/api/jobs")).json()) as { count: number };
    expect(list.count).toBe(0);
    void accountId;
  });

  it("gives line and column of a syntax error", async () => {
    const { key } = await createAccount();
    const res = await submit(call(), key, { code: 'import { Render } from "vargai/react";\nexport default <Render>\n  <Clip duration={1}>\n</Render>;' });
    const err = (await res.json()) as VargError;
    expect(err.line).toBeGreaterThanOrEqual(2);
    expect(err.column).toBeGreaterThanOrEqual(1);
  });

  it("refuses huge code", async () => {
    const { key } = await createAccount();
    const res = await submit(call({ VARG_MAX_CODE_BYTES: "1000" }), key, { code: `${SCENE}\n//${"x".repeat(2000)}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as VargError).message).toMatch(/limit is 1000/);
  });

  it("503 when the queue is down, leaving nothing behind and the slot free", async () => {
    const down = call({ RENDER_QUEUE: { send: async () => Promise.reject(new Error("queue unavailable")) }, VARG_MAX_CONCURRENT_RENDERS: "1" });
    const { key } = await createAccount();
    const before = (await listKeys("assets/")).length;
    const res = await submit(down, key, { code: VIDEO_SCENE });
    expect(res.status).toBe(503);
    expect(((await res.json()) as VargError).error).toBe("Failed to enqueue render job");
    expect((await listKeys("assets/")).length).toBe(before);
    expect(((await (await down(key, "/api/jobs")).json()) as { count: number }).count).toBe(0);
    // The concurrency slot was given back: a submission with a working queue goes through.
    expect((await submit(call({ VARG_MAX_CONCURRENT_RENDERS: "1" }), key, { code: VIDEO_SCENE })).status).toBe(202);
  });

  it("401 without a valid Bearer key", async () => {
    const c = call();
    for (const key of [null, "rf_nope"]) {
      const res = await submit(c, key as string, { code: SCENE });
      expect(res.status).toBe(401);
      expect(((await res.json()) as VargError).error).toBe("Unauthorized");
    }
  });
});

describe("varg limits", () => {
  it("10 submissions a minute per user by default, then 429 with Retry-After; polling is not limited", async () => {
    const c = call({ VARG_MAX_CONCURRENT_RENDERS: "100" });
    const alice = await createAccount();
    for (let i = 0; i < 10; i++) expect((await submit(c, alice.key, { code: VIDEO_SCENE })).status).toBe(202);
    const limited = await submit(c, alice.key, { code: VIDEO_SCENE });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as VargError).error).toBe("Rate limit exceeded");
    for (let i = 0; i < 15; i++) {
      const poll = await c(alice.key, "/api/jobs");
      expect(poll.status).toBe(200);
      expect(poll.headers.get("x-ratelimit-remaining")).toBe("0");
    }
    // The HyperFrames dialect keeps its own window for the same account.
    expect((await api(alice.key, "/v3/users/me")).status).toBe(200);
  });

  it("5 concurrent renders per user by default; a finished one frees its slot", async () => {
    const c = call({ VARG_RATE_LIMIT_PER_MINUTE: "100" });
    const { key } = await createAccount();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await submit(c, key, { code: VIDEO_SCENE });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { job_id: string }).job_id);
    }
    const sixth = await submit(c, key, { code: VIDEO_SCENE });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("retry-after")).toBeTruthy();
    await renderJob(env, ids[0]!).fail("done");
    expect((await submit(c, key, { code: VIDEO_SCENE })).status).toBe(202);
  });
});

describe("jobs across dialects", () => {
  it("lists the account's jobs of both dialects, newest first, and hides other accounts'", async () => {
    const c = call();
    const alice = await createAccount();
    const bob = await createAccount();
    const assetId = await uploadProject(alice.key);
    const hf = ((await (await createRender(alice.key, { project: { type: "asset_id", asset_id: assetId } })).json()) as { data: { render_id: string } }).data.render_id;
    const varg = ((await (await submit(c, alice.key, { code: VIDEO_SCENE })).json()) as { job_id: string }).job_id;
    const list = (await (await c(alice.key, "/api/jobs?limit=10")).json()) as { jobs: Array<Record<string, unknown>>; count: number };
    expect(list.count).toBe(2);
    expect(list.jobs.map((j) => j.id)).toEqual([varg, hf]);
    expect(list.jobs[0]).toMatchObject({ status: "rendering", outputUrl: null, durationMs: null, completedAt: null });
    expect(Object.keys(list.jobs[0]!).sort()).toEqual(["completedAt", "createdAt", "durationMs", "id", "outputUrl", "status"]);
    const hfList = (await (await api(alice.key, "/v3/hyperframes/renders")).json()) as { data: Array<{ render_id: string }> };
    expect(hfList.data.map((r) => r.render_id)).toContain(varg);
    expect((await c(bob.key, `/api/render/jobs/${varg}`)).status).toBe(404);
    expect(((await (await c(bob.key, "/api/jobs")).json()) as { count: number }).count).toBe(0);
    expect((await c(alice.key, "/api/jobs?limit=201")).status).toBe(400);
  });

  it("a failed job carries error and error_category", async () => {
    const c = call();
    const { key } = await createAccount();
    const id = ((await (await submit(c, key, { code: VIDEO_SCENE })).json()) as { job_id: string }).job_id;
    await renderJob(env, id).fail("<Video> in clip 1: src https://media.example/a.mp4 answered HTTP 404", "invalid_source");
    const job = (await (await c(key, `/api/render/jobs/${id}`)).json()) as Record<string, unknown>;
    expect(job).toMatchObject({ status: "failed", error_category: "invalid_source" });
    expect(job.error).toMatch(/answered HTTP 404/);
    expect(typeof job.completed_at).toBe("string");
  });
});

/** Reads SSE blocks (events and comments) as they arrive. */
function sseBlocks(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return async (): Promise<string | null> => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return block;
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
    }
  };
}

const dataOf = (block: string) => JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Record<string, unknown>;

describe("GET /api/render/jobs/:id/stream", () => {
  it("sends the poll JSON on every change with keepalives, and closes at the end", async () => {
    const c = call({ VARG_KEEPALIVE_MS: "100" });
    const { key } = await createAccount();
    const id = ((await (await submit(c, key, { code: VIDEO_SCENE })).json()) as { job_id: string }).job_id;
    const res = await c(key, `/api/render/jobs/${id}/stream`);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const next = sseBlocks(res);
    const first = (await next())!;
    expect(first).toMatch(/^id: \d+\nevent: status\n/);
    expect(dataOf(first)).toMatchObject({ job_id: id, status: "rendering", progress: 0 });
    expect(await next()).toBe(":keepalive");
    const job = renderJob(env, id);
    await job.beginPlanning();
    let block = (await next())!;
    while (block.startsWith(":")) block = (await next())!;
    expect(dataOf(block)).toMatchObject({ status: "rendering" });
    expect(typeof dataOf(block).started_at).toBe("string");
    await job.fail("it broke", "invalid_source");
    block = (await next())!;
    while (block.startsWith(":")) block = (await next())!;
    expect(dataOf(block)).toMatchObject({ status: "failed", error: "it broke", error_category: "invalid_source" });
    expect(await next()).toBeNull();
  });

  it("a terminal job gets one event and the stream closes; Last-Event-ID resumes", async () => {
    const c = call();
    const { key } = await createAccount();
    const id = ((await (await submit(c, key, { code: VIDEO_SCENE })).json()) as { job_id: string }).job_id;
    const first = sseBlocks(await c(key, `/api/render/jobs/${id}/stream`));
    const snapshotId = /^id: (\d+)/.exec((await first())!)![1]!;
    const resumed = sseBlocks(await c(key, `/api/render/jobs/${id}/stream`, { headers: { "last-event-id": snapshotId } }));
    await renderJob(env, id).fail("stopped");
    const block = (await resumed())!;
    expect(Number(/^id: (\d+)/.exec(block)![1])).toBeGreaterThan(Number(snapshotId));
    expect(dataOf(block).status).toBe("failed");
    const after = sseBlocks(await c(key, `/api/render/jobs/${id}/stream`));
    expect(dataOf((await after())!)).toMatchObject({ status: "failed" });
    expect(await after()).toBeNull();
  });

  it("times out with a timeout event (shortened clock)", async () => {
    const c = call({ VARG_STREAM_TIMEOUT_MS: "300", VARG_KEEPALIVE_MS: "10000" });
    const { key } = await createAccount();
    const id = ((await (await submit(c, key, { code: VIDEO_SCENE })).json()) as { job_id: string }).job_id;
    const next = sseBlocks(await c(key, `/api/render/jobs/${id}/stream`));
    expect(dataOf((await next())!).status).toBe("rendering");
    const timeout = (await next())!;
    expect(timeout).toMatch(/^event: timeout\n/);
    expect(await next()).toBeNull();
  });
});
