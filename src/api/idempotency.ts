// Idempotency-Key support, per account and endpoint: the same key with the same body replays
// the first response; with another body it is an error; while the first request is still
// running a retry is told to wait (it never runs twice). Records expire after a day.
import { createMiddleware } from "hono/factory";
import { and, eq, lt } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import { db } from "../db/client.ts";
import { idempotencyKeys } from "../db/schema.ts";
import { sha256Hex } from "../lib/hash.ts";
import { DomainError } from "../core/errors.ts";

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_:.-]{1,255}$/;
const TTL_MS = 24 * 60 * 60 * 1000;
/** A request still "running" after this long is presumed dead and may be retried. */
const ABANDONED_MS = 5 * 60 * 1000;

/** Hash of what makes two requests "the same": the body, minus a multipart's random boundary. */
async function requestFingerprint(req: Request): Promise<string> {
  let body = await req.clone().text();
  const boundary = /boundary=("?)([^";]+)\1/i.exec(req.headers.get("content-type") ?? "")?.[2];
  if (boundary) body = body.split(boundary).join("<boundary>");
  return sha256Hex(`${req.method} ${new URL(req.url).pathname}\n${body}`);
}

export function idempotent(endpoint: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new DomainError("invalid", "invalid_parameter",
        "Idempotency-Key must be 1–255 characters from [A-Za-z0-9_:.-]",
        "Idempotency-Key",
      );
    }
    const accountId = c.get("accountId");
    const database = db(c.env.DB);
    const where = and(
      eq(idempotencyKeys.accountId, accountId),
      eq(idempotencyKeys.endpoint, endpoint),
      eq(idempotencyKeys.key, key),
    );
    const now = Date.now();
    const fingerprint = await requestFingerprint(c.req.raw);
    await database.delete(idempotencyKeys).where(and(where, lt(idempotencyKeys.expiresAt, now)));
    const claimed = await database
      .insert(idempotencyKeys)
      .values({ accountId, endpoint, key, requestHash: fingerprint, createdAt: now, expiresAt: now + TTL_MS })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });

    if (claimed.length === 0) {
      const first = await database.select().from(idempotencyKeys).where(where).get();
      if (first && first.requestHash !== fingerprint) {
        throw new DomainError("unprocessable", "idempotency_key_reused",
          `Idempotency-Key '${key}' was already used with a different request`,
          "Idempotency-Key",
        );
      }
      if (first?.responseStatus != null) {
        return new Response(first.responseBody, {
          status: first.responseStatus,
          headers: { "content-type": "application/json", "idempotent-replayed": "true" },
        });
      }
      if (first && now - first.createdAt < ABANDONED_MS) {
        throw new DomainError("conflict", "idempotency_request_in_progress",
          `a request with Idempotency-Key '${key}' is still being processed; retry shortly`,
          "Idempotency-Key",
          { "retry-after": "1" },
        );
      }
      // The first attempt died mid-way: take the key over.
      await database.update(idempotencyKeys).set({ createdAt: now, expiresAt: now + TTL_MS }).where(where);
    }

    await next();
    if (c.res.status >= 500) {
      // Nothing was promised: let the client retry with the same key.
      await database.delete(idempotencyKeys).where(where);
    } else {
      await database
        .update(idempotencyKeys)
        .set({ responseStatus: c.res.status, responseBody: await c.res.clone().text() })
        .where(where);
    }
  });
}
