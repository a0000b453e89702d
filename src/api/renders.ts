// /v3/hyperframes/renders — create, read, list and delete renders, scoped to the key's account.
import { Hono } from "hono";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { renders } from "../db/schema.ts";
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

renderRoutes.delete("/:id", async (c) => {
  const row = await ownedRender(c, c.req.param("id"));
  await db(c.env.DB).update(renders).set({ deletedAt: Date.now() }).where(eq(renders.id, row.id));
  // A render deleted while it runs is stopped, which also frees its concurrency slot.
  await renderJob(c.env, row.id).fail("render was deleted before it finished");
  return c.json({ data: { render_id: row.id, deleted: true } });
});
