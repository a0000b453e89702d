// /v3/hyperframes/renders — create, read, list and delete renders, scoped to the key's account.
import { Hono } from "hono";
import { and, asc, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { AppEnv } from "../../env.ts";
import { configFrom } from "../../config.ts";
import { db } from "../../db/client.ts";
import { renders, webhookAttempts } from "../../db/schema.ts";
import { DomainError, fromZodError } from "../../core/errors.ts";
import { randomToken } from "../../lib/ids.ts";
import { checkOutboundUrl } from "../../lib/url-safety.ts";
import { jsonBody } from "../../api/json-body.ts";
import { createRender } from "../../renders/create-render.ts";
import { checkProject } from "../../renders/check-project.ts";
import { projectAsset } from "../../renders/project-source.ts";
import { discardAsset } from "../../assets/store-project.ts";
import { cancelRender, ownedRender } from "../../renders/owned-render.ts";
import { CreateRenderSchema, ListQuerySchema } from "./schemas.ts";
import { renderDetail } from "./presenter.ts";
import { renderEvents } from "./events.ts";
import { docs } from "./docs.ts";
import { signedEventsUrl } from "../../api/event-urls.ts";

export const DIALECT = "hyperframes";
const newRenderId = () => `hfr_${randomToken(24)}`;

export const renderRoutes = new Hono<AppEnv>();

function requestOrigin(c: { env: AppEnv["Bindings"]; req: { url: string } }): string {
  return new URL(c.req.url).origin;
}

renderRoutes.post("/", docs.createRender, async (c) => {
  const body = await jsonBody(c.req.raw, CreateRenderSchema);
  const origin = configFrom(c.env).publicOrigin ?? requestOrigin(c);
  const config = configFrom(c.env);
  const accountId = c.get("accountId");
  if (body.callback_url) {
    const check = checkOutboundUrl(body.callback_url, config.allowLocalUrls);
    if (!check.ok) throw new DomainError("invalid", "invalid_parameter", `callback_url ${check.reason}`, "callback_url");
  }
  const assetId = await projectAsset(c.env, accountId, body.project);
  // A project sent inline (base64, url) is this request's alone: refused, it leaves nothing.
  const discardInline = async (err: unknown): Promise<never> => {
    if (body.project.type !== "asset_id") await discardAsset(c.env, assetId);
    throw err;
  };
  const { entry } = await checkProject(c.env, assetId, {
    entry: body.composition,
    aspectRatio: body.aspect_ratio ?? null,
    variables: body.variables,
    fps: body.fps,
    resolution: body.resolution,
  }).catch(discardInline);
  const row = await createRender(c.env, {
    id: newRenderId(),
    dialect: DIALECT,
    accountId,
    assetId,
    entry,
    fps: body.fps,
    quality: body.quality,
    format: body.format,
    resolution: body.resolution,
    aspectRatio: body.aspect_ratio ?? null,
    variables: body.variables,
    output: "video",
    prepare: null,
    title: body.title ?? null,
    callbackId: body.callback_id ?? null,
    callbackUrl: body.callback_url ?? null,
    origin,
    slots: { scope: accountId, max: config.maxConcurrentRenders },
  }).catch(discardInline);
  return c.json({ data: { render_id: row.id } });
});

renderRoutes.get("/:id", docs.getRender, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  return c.json({ data: await renderDetail(c.env, row, requestOrigin(c)) });
});

// Cursor = "<createdAt>:<id>" of the last row returned; newest first.
renderRoutes.get("/", docs.listRenders, async (c) => {
  const query = ListQuerySchema.safeParse(c.req.query());
  if (!query.success) throw fromZodError(query.error);
  const { limit, token } = query.data;
  const conditions = [eq(renders.accountId, c.get("accountId")), isNull(renders.deletedAt)];
  if (token) {
    const match = /^(\d+):([a-z0-9_-]+)$/.exec(token);
    if (!match) throw new DomainError("invalid", "invalid_parameter", "token is not a valid page token", "token");
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

// Live status and progress as Server-Sent Events (see events.ts).
renderRoutes.get("/:id/events", docs.renderEvents, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  return renderEvents(c.env, row, c.req.raw);
});

// The same stream for a browser: EventSource cannot send the key, so it gets a signed URL.
renderRoutes.get("/:id/events-url", docs.renderEventsUrl, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  const { url, expiresAt } = await signedEventsUrl(c.env, requestOrigin(c), DIALECT, row.id);
  c.header("cache-control", "no-store");
  return c.json({ data: { url, expires_at: Math.floor(expiresAt / 1000) } });
});

// Every webhook delivery attempt for this render, oldest first.
renderRoutes.get("/:id/webhooks", docs.renderWebhooks, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
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

renderRoutes.delete("/:id", docs.deleteRender, async (c) => {
  const row = await ownedRender(c.env, c.get("accountId"), c.req.param("id"));
  await cancelRender(c.env, row);
  return c.json({ data: { render_id: row.id, deleted: true } });
});
