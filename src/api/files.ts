// Signed, expiring download URLs for R2 objects (rendered videos, project sources), served
// without an API key: the URL is the capability. Range requests and ETags work, so players
// can seek and caches can revalidate.
import { Hono } from "hono";
import type { AppEnv, Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { checkSignedPath, signPath } from "../lib/signing.ts";
import { DomainError } from "../core/errors.ts";
import { r2ObjectResponse } from "../lib/r2-response.ts";

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
    throw new DomainError("forbidden", "signature_invalid", `this download URL ${why[check.reason]}`);
  }
  const key = decodeURIComponent(path.slice(PREFIX.length));
  const res = await r2ObjectResponse(c.env.BUCKET, key, c.req.raw, "private, max-age=300");
  if (!res) throw new DomainError("not_found", "not_found", "file not found");
  return res;
});
