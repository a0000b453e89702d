// Signed, short-lived Server-Sent Events URLs, so a browser can watch a render with
// `new EventSource(url)`: EventSource cannot send an API key, so the URL is the capability.
// It names one render and the dialect that speaks on it, carries no key, and may be opened
// (or reopened with Last-Event-ID) until it expires; an open stream runs until the render ends.
import { Hono } from "hono";
import { and, eq, isNull } from "drizzle-orm";
import type { AppEnv, Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { renders, type RenderRow } from "../db/schema.ts";
import { DomainError } from "../core/errors.ts";
import { checkSignedPath, signPath } from "../lib/signing.ts";
import { describeRoute } from "hono-openapi";
import { openCors } from "./cors.ts";
import { signedUrlParameters } from "../openapi/describe.ts";

const PURPOSE = "events";
export const EVENTS_PREFIX = "/v1/events/";

/** A dialect's SSE response for one render (its frames, keepalives and timeouts). */
export type EventStreamer = (env: Env, row: RenderRow, request: Request) => Promise<Response>;

export interface SignedEventsUrl {
  url: string;
  /** Unix milliseconds after which the URL can no longer be opened. */
  expiresAt: number;
}

export async function signedEventsUrl(env: Env, origin: string, dialect: string, renderId: string, now = Date.now()): Promise<SignedEventsUrl> {
  const config = configFrom(env);
  const path = `${EVENTS_PREFIX}${dialect}/${renderId}`;
  const { exp, sig } = await signPath(config.signingSecret, PURPOSE, path, config.eventsUrlTtlSeconds, now);
  return { url: `${origin}${path}?exp=${exp}&sig=${sig}`, expiresAt: exp * 1000 };
}

/** A render by id alone, whoever owns it: the signature already proved who may see it. */
async function liveRender(env: Env, id: string): Promise<RenderRow> {
  const row = await db(env.DB)
    .select()
    .from(renders)
    .where(and(eq(renders.id, id), isNull(renders.deletedAt)))
    .get();
  if (!row) throw new DomainError("not_found", "render_not_found", `render '${id}' was not found`, "render_id");
  return row;
}

/** GET /v1/events/{dialect}/{id}?exp&sig, streamed by that dialect's `streamers` entry. */
export function eventUrlRoutes(streamers: Record<string, EventStreamer>) {
  const routes = new Hono<AppEnv>();
  routes.use("*", openCors);
  const describe = describeRoute({
    tags: ["Capability URLs"],
    summary: "A render's event stream by its signed URL (from `…/events-url`): `new EventSource(url)`, no API key",
    description: "Speaks the dialect that issued it (the same events as its key-authenticated stream); resumable with Last-Event-ID.",
    parameters: [{ in: "path", name: "dialect", required: true, schema: { type: "string", enum: Object.keys(streamers) } }, ...signedUrlParameters],
    responses: { 200: { description: "The event stream.", content: { "text/event-stream": {} } }, 403: { description: "The signature is missing, wrong or expired." }, 404: { description: "No such render." } },
  });
  routes.get("/:dialect/:id", describe, async (c) => {
    const path = new URL(c.req.url).pathname;
    const check = await checkSignedPath(configFrom(c.env).signingSecret, PURPOSE, path, c.req.query("exp"), c.req.query("sig"));
    if (!check.ok) {
      const why = { missing: "is missing its signature", expired: "has expired", invalid: "has an invalid signature" };
      throw new DomainError("forbidden", "signature_invalid", `this events URL ${why[check.reason]}; ask the API for a new one`);
    }
    const streamer = streamers[c.req.param("dialect")];
    if (!streamer) throw new DomainError("not_found", "not_found", "no such events stream");
    return streamer(c.env, await liveRender(c.env, c.req.param("id")), c.req.raw);
  });
  return routes;
}
