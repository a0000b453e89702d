// /v3/hyperframes/renders — create, read, list and delete renders, scoped to the key's account.
import { Hono } from "hono";
import { and, asc, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { renders, webhookAttempts } from "../db/schema.ts";
import { ApiError, fromZodError } from "./errors.ts";
import { CreateRenderSchema, ListQuerySchema } from "./schemas.ts";
import { jsonBody } from "./json-body.ts";
import { createRender } from "../renders/create-render.ts";
import { renderDetail } from "../renders/render-detail.ts";
import { renderJob } from "../jobs/job-stub.ts";

export const renderRoutes = new Hono<AppEnv>();

function requestOrigin(c: { env: AppEnv["Bindings"]; req: { url: string } }): string {
  return new URL(c.req.url).origin;
}

renderRoutes.post("/", async (c) => {
  const body = await jsonBody(c.req.raw, CreateRenderSchema);
  const origin = configFrom(c.env).publicOrigin ?? requestOrigin(c);
  const row = await createRender(c.env, c.get("accountId"), body, origin);
  return c.json({ data: { render_id: row.id } });
});

async function ownedRender(c: { env: AppEnv["Bindings"]; get(k: "accountId"): string }, id: string) {
  const row = await db(c.env.DB)
    .select()
    .from(renders)
    .where(and(eq(renders.id, id), eq(renders.accountId, c.get("accountId")), isNull(renders.deletedAt)))
    .get();
  if (!row) throw new ApiError(404, "hyperframes_render_not_found", `render '${id}' was not found`, "render_id");
  return row;
}

renderRoutes.get("/:id", async (c) => {
  const row = await ownedRender(c, c.req.param("id"));
  return c.json({ data: await renderDetail(c.env, row, requestOrigin(c)) });
});

// Cursor = "<createdAt>:<id>" of the last row returned; newest first.
renderRoutes.get("/", async (c) => {
  const query = ListQuerySchema.safeParse(c.req.query());
  if (!query.success) throw fromZodError(query.error);
  const { limit, token } = query.data;
  const conditions = [eq(renders.accountId, c.get("accountId")), isNull(renders.deletedAt)];
  if (token) {
    const match = /^(\d+):([a-z0-9_]+)$/.exec(token);
    if (!match) throw new ApiError(400, "invalid_parameter", "token is not a valid page token", "token");
    const [createdAt, id] = [Number(match[1]), match[2]!];
    conditions.push(or(lt(renders.createdAt, createdAt), and(eq(renders.createdAt, createdAt), lt(renders.id, id)))!);
  }
  const rows = await db(c.env.DB)
    .select()
    .from(renders)
    .where(and(...conditions))
    .orderBy(desc(renders.createdAt), desc(renders.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const origin = requestOrigin(c);
  return c.json({
    data: await Promise.all(page.map((row) => renderDetail(c.env, row, origin, false))),
    has_more: rows.length > limit,
    next_token: rows.length > limit && last ? `${last.createdAt}:${last.id}` : null,
  });
});

// Live status and progress as Server-Sent Events; resumable with Last-Event-ID; the stream
// ends when the render does.
renderRoutes.get("/:id/events", async (c) => {
  const row = await ownedRender(c, c.req.param("id"));
  const lastEventId = Number.parseInt(c.req.header("last-event-id") ?? "", 10);
  const stream = await renderJob(c.env, row.id).eventStream(Number.isFinite(lastEventId) ? lastEventId : null);
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
  });
});

// Every webhook delivery attempt for this render, oldest first.
renderRoutes.get("/:id/webhooks", async (c) => {
  const row = await ownedRender(c, c.req.param("id"));
  const attempts = await db(c.env.DB)
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.renderId, row.id))
    .orderBy(asc(webhookAttempts.createdAt), asc(webhookAttempts.attempt));
  return c.json({
    data: attempts.map((a) => ({
      attempt: a.attempt,
      event: a.event,
      url: a.url,
      status_code: a.statusCode,
      error: a.error,
      duration_ms: a.durationMs,
      created_at: Math.floor(a.createdAt / 1000),
    })),
  });
});

renderRoutes.delete("/:id", async (c) => {
  const row = await ownedRender(c, c.req.param("id"));
  await db(c.env.DB).update(renders).set({ deletedAt: Date.now() }).where(eq(renders.id, row.id));
  // A render deleted while it runs is stopped, which also frees its concurrency slot.
  await renderJob(c.env, row.id).fail("render was deleted before it finished");
  return c.json({ data: { render_id: row.id, deleted: true } });
});
