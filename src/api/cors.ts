// CORS for the API: browsers on the origins a deployment allows (CORS_ALLOWED_ORIGINS) may call
// it with an API key in a header. Preflights are answered here, before any key is asked for,
// because a browser never sends credentials with an OPTIONS request. Capability URLs that need
// no key (signed SSE streams, the OpenAPI document) are open to any origin instead.
import { cors } from "hono/cors";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { configFrom } from "../config.ts";

/** Headers a browser client may send: the key (either form), bodies, idempotency, SSE resume. */
const ALLOWED_HEADERS = ["x-api-key", "authorization", "content-type", "idempotency-key", "last-event-id"];
/** Headers a browser client may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = [
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "retry-after",
  "idempotent-replayed",
  "content-length",
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"];
const PREFLIGHT_MAX_AGE = 600;

/** Whether `origin` may call the API under `allowed` (a list of origins, or ["*"]). */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes("*") || allowed.includes(origin.replace(/\/$/, ""));
}

/** The API's CORS: only the configured origins, with the key headers. */
export const apiCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const allowed = configFrom(c.env).corsAllowedOrigins.map((o) => o.replace(/\/$/, ""));
  return cors({
    origin: (origin) => (origin && originAllowed(origin, allowed) ? origin : null),
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: EXPOSED_HEADERS,
    allowMethods: METHODS,
    maxAge: PREFLIGHT_MAX_AGE,
  })(c, next);
};

/** For capability URLs and public documents: any origin, no credentials. */
export const openCors: MiddlewareHandler<AppEnv> = cors({
  origin: "*",
  allowHeaders: ["last-event-id"],
  allowMethods: ["GET", "HEAD", "OPTIONS"],
  maxAge: PREFLIGHT_MAX_AGE,
});
