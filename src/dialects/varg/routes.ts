// /api — the varg cloud render API: submit TSX, poll or stream a job, list jobs.
import { Hono } from "hono";
import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { AppEnv, Env } from "../../env.ts";
import { configFrom } from "../../config.ts";
import { db } from "../../db/client.ts";
import { renders } from "../../db/schema.ts";
import { DomainError } from "../../core/errors.ts";
import { signedFileUrl } from "../../api/files.ts";
import { jsonBody } from "../../api/json-body.ts";
import { sseFrame, sseResponse } from "../../lib/sse.ts";
import { ownedRender } from "../../renders/owned-render.ts";
import { renderJob } from "../../jobs/job-stub.ts";
import { isTerminal } from "../../jobs/render-state.ts";
import { ListJobsQuerySchema, SubmitRenderSchema } from "./schemas.ts";
import { estimatedDurationMs, jobView, listItem, stageOf } from "./presenter.ts";
import { submitScene } from "./submit.ts";

export const vargRoutes = new Hono<AppEnv>();

const origin = (c: { env: Env; req: { url: string } }) => configFrom(c.env).publicOrigin ?? new URL(c.req.url).origin;

/** How many of the account's renders run and wait right now (the seed's `queue`). */
async function queueOf(env: Env, accountId: string) {
  const rows = await db(env.DB)
    .select({ status: renders.status, n: count() })
    .from(renders)
    .where(and(eq(renders.accountId, accountId), inArray(renders.status, ["queued", "rendering"]), isNull(renders.deletedAt)))
    .groupBy(renders.status);
  const of = (status: string) => rows.find((r) => r.status === status)?.n ?? 0;
  return { active: of("rendering"), waiting: of("queued") };
}

vargRoutes.post("/render", async (c) => {
  const { vargMaxCodeBytes } = configFrom(c.env);
  // Refuse a huge body before reading it (the code is JSON-escaped, so allow for that).
  if (Number(c.req.header("content-length") ?? 0) > vargMaxCodeBytes * 2 + 64 * 1024) {
    throw new DomainError("invalid", "invalid_source", `code is larger than the ${vargMaxCodeBytes}-byte limit`, "code");
  }
  const body = await jsonBody(c.req.raw, SubmitRenderSchema);
  const accountId = c.get("accountId");
  const { row, frames } = await submitScene(c.env, accountId, body, origin(c));
  return c.json(
    {
      job_id: row.id,
      status: "rendering",
      estimated_duration_ms: estimatedDurationMs(frames),
      queue: await queueOf(c.env, accountId),
    },
    202,
  );
});

vargRoutes.get("/render/jobs/:id", async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  return c.json(await jobView(c.env, row, origin(c)));
});

// `status` events carry the poll JSON on every change; the stream ends with the job, or after
// the seed's 15 minutes with a `timeout` event (reconnect with Last-Event-ID to go on).
vargRoutes.get("/render/jobs/:id/stream", async (c) => {
  const accountId = c.get("accountId");
  const row = await ownedRender(c.env, accountId, c.req.param("id"));
  const config = configFrom(c.env);
  const lastEventId = Number.parseInt(c.req.header("last-event-id") ?? "", 10);
  const stream = await renderJob(c.env, row.id).eventStream(Number.isFinite(lastEventId) ? lastEventId : null);
  return sseResponse(stream, {
    frame: async ({ seq, event }) => {
      if (isTerminal(event.status)) {
        // The RenderJob writes D1 before it announces the end: the row has the output URLs.
        const final = await ownedRender(c.env, accountId, row.id).catch(() => row);
        return sseFrame(seq, "status", await jobView(c.env, final, origin(c), false));
      }
      const job = await jobView(c.env, { ...row, status: event.status, startedAt: event.startedAt }, origin(c), false);
      const stage = event.status === "completed" || event.status === "failed" ? {} : stageOf(event.generation, event.planned);
      return sseFrame(seq, "status", { ...job, progress: event.progress, ...stage, estimated_duration_ms: estimatedDurationMs(event.framesTotal) });
    },
    keepaliveMs: config.vargKeepaliveMs,
    keepalive: ":keepalive",
    timeoutMs: config.vargStreamTimeoutMs,
    timeoutFrame: `event: timeout\ndata: ${JSON.stringify({ job_id: row.id, message: "stream timed out; reconnect or poll" })}\n\n`,
  });
});

vargRoutes.get("/jobs", async (c) => {
  const query = ListJobsQuerySchema.safeParse(c.req.query());
  if (!query.success) throw new DomainError("invalid", "invalid_parameter", "limit must be an integer from 1 to 200", "limit");
  const rows = await db(c.env.DB)
    .select()
    .from(renders)
    .where(and(eq(renders.accountId, c.get("accountId")), isNull(renders.deletedAt)))
    .orderBy(desc(renders.createdAt), desc(renders.id))
    .limit(query.data.limit);
  const jobs = await Promise.all(
    rows.map(async (r) => listItem(r, r.status === "completed" && r.outputKey ? await signedFileUrl(c.env, origin(c), r.outputKey) : null)),
  );
  return c.json({ jobs, count: jobs.length });
});
