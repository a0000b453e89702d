import { describe, expect, it } from "vitest";
import { env, SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { db } from "../../src/db/client.ts";
import { assets } from "../../src/db/schema.ts";
import { sha256Hex } from "../../src/lib/hash.ts";
import { MINIMAL_COMPOSITION, api, createAccount, r2Keys, zipOf } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };
type Created = { data: { asset_id: string; upload_url: string; upload_headers: Record<string, string>; status: string; max_bytes: number } };

const ZIP = zipOf({ "index.html": MINIMAL_COMPOSITION });

async function startUpload(key: string, fields: Record<string, unknown> = {}) {
  const res = await api(key, "/v3/assets/direct-uploads", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ filename: "p.zip", content_type: "application/zip", size_bytes: ZIP.length, ...fields }),
  });
  return { res, body: (await res.json()) as Created & ErrorBody };
}

const complete = (key: string, id: string, body: unknown = {}) =>
  api(key, `/v3/assets/${id}/complete`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("direct uploads", () => {
  it("PUT to the signed URL without a key, then complete: verified, unpacked, idempotent", async () => {
    const { key } = await createAccount();
    const checksum = await sha256Hex(ZIP);
    const { res, body } = await startUpload(key, { checksum_sha256: checksum });
    expect(res.status).toBe(200);
    expect(body.data).toMatchObject({ status: "pending_upload", upload_headers: { "Content-Type": "application/zip" } });
    const put = await SELF.fetch(body.data.upload_url, { method: "PUT", body: ZIP, headers: body.data.upload_headers });
    expect(put.status).toBe(200);

    const done = await complete(key, body.data.asset_id, { checksum_sha256: checksum });
    expect(done.status).toBe(200);
    const asset = ((await done.json()) as { data: Record<string, unknown> }).data;
    expect(asset).toMatchObject({ asset_id: body.data.asset_id, status: "ready", size_bytes: ZIP.length });
    expect(await r2Keys(`assets/${body.data.asset_id}/files/`)).toEqual([`assets/${body.data.asset_id}/files/index.html`]);

    // Complete again: same answer, nothing unpacked twice.
    const again = await complete(key, body.data.asset_id);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { data: { status: string } }).data.status).toBe("ready");
  });

  it("refuses a PUT of the wrong size or with the wrong checksum, and a tampered URL", async () => {
    const { key } = await createAccount();
    const { body } = await startUpload(key, { checksum_sha256: "0".repeat(64) });
    const wrongSize = await SELF.fetch(body.data.upload_url, { method: "PUT", body: ZIP.slice(1) });
    expect(wrongSize.status).toBe(400);
    expect(((await wrongSize.json()) as ErrorBody).error).toMatchObject({ code: "upload_size_mismatch", param: "size_bytes" });

    const wrongSum = await SELF.fetch(body.data.upload_url, { method: "PUT", body: ZIP });
    expect(wrongSum.status).toBe(400);
    expect(((await wrongSum.json()) as ErrorBody).error).toMatchObject({ code: "checksum_mismatch", param: "checksum_sha256" });
    expect(await r2Keys(`assets/${body.data.asset_id}/`)).toEqual([]);

    // Change the signature's first character (to one it is not: "sig=x…" may be the real one).
    const tampered = body.data.upload_url.replace(/sig=(.)/, (_: string, c: string) => `sig=${c === "x" ? "y" : "x"}`);
    const tamperedRes = await SELF.fetch(tampered, { method: "PUT", body: ZIP });
    expect(tamperedRes.status, await tamperedRes.clone().text()).toBe(403);
  });

  it("refuses complete before the upload, and after the URL expired", async () => {
    const { key } = await createAccount();
    const { body } = await startUpload(key);
    const early = await complete(key, body.data.asset_id);
    expect(early.status).toBe(409);
    expect(((await early.json()) as ErrorBody).error.code).toBe("upload_not_received");

    await db(env.DB).update(assets).set({ uploadExpiresAt: Date.now() - 1000 }).where(eq(assets.id, body.data.asset_id));
    const late = await complete(key, body.data.asset_id);
    expect(late.status).toBe(410);
    expect(((await late.json()) as ErrorBody).error.code).toBe("upload_expired");
  });

  it("refuses a zip that is not a project, leaving nothing behind", async () => {
    const { key } = await createAccount();
    const bad = zipOf({ "../escape.html": "x" });
    const { body } = await startUpload(key, { size_bytes: bad.length });
    expect((await SELF.fetch(body.data.upload_url, { method: "PUT", body: bad })).status).toBe(200);
    const res = await complete(key, body.data.asset_id);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe("hyperframes_project_invalid");
    expect(await r2Keys(`assets/${body.data.asset_id}/`)).toEqual([]);
    expect(await db(env.DB).select().from(assets).where(eq(assets.id, body.data.asset_id)).get()).toBeUndefined();
  });

  it("validates the request and keeps assets per account", async () => {
    const { key } = await createAccount();
    const big = await startUpload(key, { size_bytes: 10 ** 12 });
    expect(big.res.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: "hyperframes_project_too_large", param: "size_bytes" });
    const badSum = await startUpload(key, { checksum_sha256: "xyz" });
    expect(badSum.body.error).toMatchObject({ code: "invalid_parameter", param: "checksum_sha256" });

    const { body } = await startUpload(key);
    const other = await createAccount();
    const res = await complete(other.key, body.data.asset_id);
    expect(res.status).toBe(404);
  });
});

describe("checksum formats", () => {
  it("accepts a SHA-256 as hex or base64 (standard or url-safe) and refuses anything else", async () => {
    const { normaliseSha256 } = await import("../../src/lib/hash.ts");
    const { toBase64, toBase64Url } = await import("../../src/lib/base64.ts");
    const hex = await sha256Hex(ZIP);
    const bytes = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
    expect(normaliseSha256(hex.toUpperCase())).toBe(hex);
    expect(normaliseSha256(toBase64(bytes))).toBe(hex);
    expect(normaliseSha256(toBase64Url(bytes))).toBe(hex);
    expect(normaliseSha256("xyz")).toBeNull();
  });
});
