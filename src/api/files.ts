// Signed, expiring download URLs for R2 objects (rendered videos, project sources), served
// without an API key: the URL is the capability. Range requests and ETags work, so players
// can seek and caches can revalidate.
import { Hono } from "hono";
import type { AppEnv, Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { checkSignedPath, signPath } from "../lib/signing.ts";
import { ApiError } from "./errors.ts";

const PURPOSE = "file";
const PREFIX = "/v1/files/";

export async function signedFileUrl(env: Env, origin: string, key: string, now = Date.now()): Promise<string> {
  const config = configFrom(env);
  const path = PREFIX + key;
  const { exp, sig } = await signPath(config.signingSecret, PURPOSE, path, config.signedUrlTtlSeconds, now);
  return `${origin}${path}?exp=${exp}&sig=${sig}`;
}

export const fileRoutes = new Hono<AppEnv>();

fileRoutes.on(["GET", "HEAD"], "/*", async (c) => {
  const path = new URL(c.req.url).pathname;
  const check = await checkSignedPath(
    configFrom(c.env).signingSecret,
    PURPOSE,
    path,
    c.req.query("exp"),
    c.req.query("sig"),
  );
  if (!check.ok) {
    const why = { missing: "is missing its signature", expired: "has expired", invalid: "has an invalid signature" };
    throw new ApiError(403, "signature_invalid", `this download URL ${why[check.reason]}`);
  }
  const key = decodeURIComponent(path.slice(PREFIX.length));
  const headers = c.req.raw.headers;
  const object = await c.env.BUCKET.get(key, { range: headers, onlyIf: headers });
  if (!object) throw new ApiError(404, "not_found", "file not found");

  const out = new Headers();
  object.writeHttpMetadata(out);
  out.set("etag", object.httpEtag);
  out.set("accept-ranges", "bytes");
  out.set("cache-control", "private, max-age=300");
  if (!("body" in object)) {
    // onlyIf failed: If-None-Match matched (304) or a precondition failed (412).
    return new Response(null, { status: headers.has("if-none-match") ? 304 : 412, headers: out });
  }
  const range = object.range as { offset?: number; length?: number; suffix?: number } | undefined;
  if (headers.has("range") && range) {
    const offset = range.suffix !== undefined ? object.size - range.suffix : (range.offset ?? 0);
    const length = range.suffix ?? range.length ?? object.size - offset;
    out.set("content-range", `bytes ${offset}-${offset + length - 1}/${object.size}`);
    out.set("content-length", String(length));
    return new Response(c.req.method === "HEAD" ? null : object.body, { status: 206, headers: out });
  }
  out.set("content-length", String(object.size));
  return new Response(c.req.method === "HEAD" ? null : object.body, { status: 200, headers: out });
});
