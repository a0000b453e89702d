import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { db } from "../../src/db/client.ts";
import { idempotencyKeys, renders } from "../../src/db/schema.ts";
import { api, createAccount, uploadProject } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };

function post(key: string, body: unknown, idempotencyKey?: string) {
  return api(key, "/v3/hyperframes/renders", {
    method: "POST",
    headers: { "content-type": "application/json", ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
}

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body; nothing is created twice", async () => {
    const { key, accountId } = await createAccount();
    const assetId = await uploadProject(key);
    const body = { project: { type: "asset_id", asset_id: assetId }, fps: 12 };
    const first = await post(key, body, "retry:1");
    const second = await post(key, body, "retry:1");
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
    const rows = await db(env.DB).select().from(renders).where(eq(renders.accountId, accountId)).all();
    expect(rows).toHaveLength(1);
  });

  it("refuses the same key with another body", async () => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key);
    await post(key, { project: { type: "asset_id", asset_id: assetId }, fps: 12 }, "k2");
    const res = await post(key, { project: { type: "asset_id", asset_id: assetId }, fps: 24 }, "k2");
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: "idempotency_key_reused", param: "Idempotency-Key" });
  });

  it("is scoped per account and per endpoint", async () => {
    const alice = await createAccount();
    const bob = await createAccount();
    const a = await post(alice.key, { project: { type: "asset_id", asset_id: await uploadProject(alice.key) } }, "shared");
    const b = await post(bob.key, { project: { type: "asset_id", asset_id: await uploadProject(bob.key) } }, "shared");
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
    // The same key on another endpoint is independent.
    const upload = await api(alice.key, "/v3/assets/direct-uploads", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "shared" },
      body: JSON.stringify({ filename: "x.zip", size_bytes: 10 }),
    });
    expect(upload.status).toBe(200);
  });

  it("tells a retry to wait while the first request is still running", async () => {
    const { key, accountId } = await createAccount();
    const assetId = await uploadProject(key);
    const body = { project: { type: "asset_id", asset_id: assetId } };
    // Simulate a first request that has claimed the key and not finished yet.
    const first = await post(key, body, "slow");
    const { render_id } = ((await first.json()) as { data: { render_id: string } }).data;
    await db(env.DB).update(idempotencyKeys).set({ responseStatus: null, responseBody: null }).where(eq(idempotencyKeys.key, "slow"));
    const retry = await post(key, body, "slow");
    expect(retry.status).toBe(409);
    expect(retry.headers.get("retry-after")).toBe("1");
    expect(((await retry.json()) as ErrorBody).error.code).toBe("idempotency_request_in_progress");
    const rows = await db(env.DB).select().from(renders).where(eq(renders.accountId, accountId)).all();
    expect(rows.map((r) => r.id)).toEqual([render_id]);
  });

  it("rejects a key with bad characters, and expired records no longer replay", async () => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key);
    const bad = await post(key, { project: { type: "asset_id", asset_id: assetId } }, "spaces are bad");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error).toMatchObject({ code: "invalid_parameter", param: "Idempotency-Key" });

    const body = { project: { type: "asset_id", asset_id: assetId } };
    const first = (await (await post(key, body, "old")).json()) as { data: { render_id: string } };
    await db(env.DB).update(idempotencyKeys).set({ expiresAt: Date.now() - 1 }).where(eq(idempotencyKeys.key, "old"));
    const again = (await (await post(key, body, "old")).json()) as { data: { render_id: string } };
    expect(again.data.render_id).not.toBe(first.data.render_id);
  });
});
