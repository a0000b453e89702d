// Authenticates `x-api-key: <key>` or `Authorization: Bearer <key>` and scopes the request to
// the key's account.
import { createMiddleware } from "hono/factory";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import { DomainError } from "../core/errors.ts";
import { API_KEY_PATTERN, hashApiKey } from "../accounts/keys.ts";
import { db } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";

function presentedKey(headers: Headers): string | null {
  const direct = headers.get("x-api-key");
  if (direct) return direct.trim();
  const auth = headers.get("authorization");
  if (!auth) return null;
  const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
  if (!match?.[1]) throw new DomainError("unauthenticated", "authentication_failed", "Authorization header must be 'Bearer <api key>'");
  return match[1].trim();
}

export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const key = presentedKey(c.req.raw.headers);
  if (!key) {
    throw new DomainError("unauthenticated", "authentication_failed",
      "Missing API key: send it in the x-api-key header or as 'Authorization: Bearer <key>'",
    );
  }
  if (!API_KEY_PATTERN.test(key)) {
    throw new DomainError("unauthenticated", "authentication_failed", "Malformed API key: reelflare keys look like rf_ followed by 40 characters");
  }
  const row = await db(c.env.DB)
    .select({ id: apiKeys.id, accountId: apiKeys.accountId, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, await hashApiKey(key)))
    .get();
  if (!row) throw new DomainError("unauthenticated", "authentication_failed", "Unknown API key");
  if (row.revokedAt !== null) throw new DomainError("unauthenticated", "authentication_failed", "This API key has been revoked");
  c.set("accountId", row.accountId);
  c.set("apiKeyId", row.id);
  await next();
});
