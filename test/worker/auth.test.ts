import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { db } from "../../src/db/client.ts";
import { apiKeys } from "../../src/db/schema.ts";
import { api, createAccount } from "./helpers.ts";

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("API key authentication", () => {
  it("identifies the key's account through x-api-key and Bearer", async () => {
    const acct = await createAccount("alice");
    for (const headers of [{ "x-api-key": acct.key }, { authorization: `Bearer ${acct.key}` }] as Record<string, string>[]) {
      const res = await api(null, "/v3/users/me", { headers });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { account_id: string; name: string } };
      expect(body.data).toMatchObject({ account_id: acct.accountId, name: "alice" });
    }
  });

  it("refuses a missing key", async () => {
    const res = await api(null, "/v3/users/me");
    expect(res.status).toBe(401);
    const err = await errorOf(res);
    expect(err.code).toBe("authentication_failed");
    expect(err.message).toMatch(/missing api key/i);
  });

  it("refuses a malformed key and a malformed Authorization header", async () => {
    const res = await api("not-a-key", "/v3/users/me");
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/malformed/i);
    const basic = await api(null, "/v3/users/me", { headers: { authorization: "Basic abc" } });
    expect(basic.status).toBe(401);
    expect((await errorOf(basic)).message).toMatch(/Bearer/);
  });

  it("refuses an unknown key and a revoked key", async () => {
    const unknown = await api(`rf_${"a".repeat(40)}`, "/v3/users/me");
    expect(unknown.status).toBe(401);
    expect((await errorOf(unknown)).message).toMatch(/unknown/i);

    const acct = await createAccount();
    await db(env.DB).update(apiKeys).set({ revokedAt: Date.now() }).where(eq(apiKeys.id, acct.keyId));
    const revoked = await api(acct.key, "/v3/users/me");
    expect(revoked.status).toBe(401);
    expect((await errorOf(revoked)).message).toMatch(/revoked/i);
  });

  it("stores only a hash of the key", async () => {
    const acct = await createAccount();
    const row = await db(env.DB).select().from(apiKeys).where(eq(apiKeys.id, acct.keyId)).get();
    expect(row?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(acct.key);
  });
});
