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
import { ownedRender } from "../../renders/owned-render.ts";
import { ListJobsQuerySchema, SubmitRenderSchema } from "./schemas.ts";
import { estimatedDurationMs, jobView, listItem } from "./presenter.ts";
import { jobStream, vargOrigin } from "./stream.ts";
import { docs } from "./docs.ts";
import { signedEventsUrl } from "../../api/event-urls.ts";
import { DIALECT } from "./submit.ts";
import { submitScene } from "./submit.ts";

export const vargRoutes = new Hono<AppEnv>();

const origin = (c: { env: Env; req: { raw: Request } }) => vargOrigin(c.env, c.req.raw);

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

vargRoutes.post("/render", docs.submit, async (c) => {
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

vargRoutes.get("/render/jobs/:id", docs.job, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  return c.json(await jobView(c.env, row, origin(c)));
});

// The job's SSE stream (see stream.ts).
vargRoutes.get("/render/jobs/:id/stream", docs.stream, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  return jobStream(c.env, row, c.req.raw);
});

// The same stream for a browser: EventSource cannot send the key, so it gets a signed URL.
vargRoutes.get("/render/jobs/:id/events-url", docs.eventsUrl, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  const { url, expiresAt } = await signedEventsUrl(c.env, new URL(c.req.url).origin, DIALECT, row.id);
  c.header("cache-control", "no-store");
  return c.json({ url, expires_at: new Date(expiresAt).toISOString() });
});

vargRoutes.get("/jobs", docs.jobs, async (c) => {
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
