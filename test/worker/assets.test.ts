import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { zipSync, strToU8 } from "fflate";
import { app } from "../../src/app.ts";
import { db } from "../../src/db/client.ts";
import { assets } from "../../src/db/schema.ts";
import { MINIMAL_COMPOSITION, createAccount, r2Keys, uploadZip, zipOf } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };

// Storage is shared by the tests of a file, so "nothing stored" is judged against a snapshot.
async function storedState() {
  return { objects: await r2Keys("assets/"), rows: await db(env.DB).select().from(assets).all() };
}

async function expectNothingStored(before: Awaited<ReturnType<typeof storedState>>) {
  expect(await storedState()).toEqual(before);
}

describe("POST /v3/assets (multipart project upload)", () => {
  it("stores the zip and unpacks every file", async () => {
    const { key, accountId } = await createAccount();
    const res = await uploadZip(key, zipOf({ "index.html": MINIMAL_COMPOSITION, "css/a.css": "body{}" }));
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { asset_id: string; size_bytes: number; mime_type: string; url: string } };
    expect(data.asset_id).toMatch(/^asset_/);
    expect(data.mime_type).toBe("application/zip");
    expect(data.url).toContain("/v1/files/assets/");
    expect((await r2Keys(`assets/${data.asset_id}/`)).sort()).toEqual([
      `assets/${data.asset_id}/files/css/a.css`,
      `assets/${data.asset_id}/files/index.html`,
      `assets/${data.asset_id}/source.zip`,
    ]);
    const css = await env.BUCKET.get(`assets/${data.asset_id}/files/css/a.css`);
    expect(await css?.text()).toBe("body{}");
    expect(css?.httpMetadata?.contentType).toMatch(/text\/css/);
    const row = await db(env.DB).select().from(assets).get();
    expect(row).toMatchObject({ id: data.asset_id, accountId, status: "ready", fileCount: 2, sizeBytes: data.size_bytes });
  });

  it("rejects a body that is not a zip", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const res = await uploadZip(key, new TextEncoder().encode("<html>definitely not a zip</html>"));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "hyperframes_project_invalid", param: "file" });
    expect(error.message).toMatch(/not a zip/);
    await expectNothingStored(before);
  });

  it.each([
    ["../evil.html", /'\.\.'/],
    ["a/../../evil.html", /'\.\.'/],
    ["/etc/passwd", /absolute/],
    ["C:/windows/evil.html", /drive letter/],
  ])("rejects the entry %s and keeps nothing of the upload", async (name, why) => {
    const { key } = await createAccount();
    const before = await storedState();
    // The bad entry comes after a good one, so the good one has already been written.
    const res = await uploadZip(key, zipOf({ "index.html": MINIMAL_COMPOSITION, [name]: "x" }));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe("hyperframes_project_invalid");
    expect(error.message).toContain(name);
    expect(error.message).toMatch(why);
    await expectNothingStored(before);
  });

  it("rejects an upload over the size limit with 413", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const small = { ...env, MAX_PROJECT_BYTES: "1024" };
    const form = new FormData();
    form.set("file", new Blob([zipSync({ "index.html": crypto.getRandomValues(new Uint8Array(4096)) }, { level: 0 })]));
    const res = await app.request("/v3/assets", { method: "POST", body: form, headers: { "x-api-key": key } }, small);
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "hyperframes_project_too_large", param: "file" });
    expect(error.message).toMatch(/1024-byte limit/);
    await expectNothingStored(before);
  });

  it("rejects a zip bomb by its unpacked size and ratio", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const bomb = zipSync({ "index.html": strToU8(MINIMAL_COMPOSITION), "pad.bin": new Uint8Array(32 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(100_000);
    const res = await uploadZip(key, bomb);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.message).toMatch(/ratio/);
    await expectNothingStored(before);

    const tight = { ...env, MAX_UNPACKED_BYTES: "1000" };
    const form = new FormData();
    form.set("file", new Blob([zipOf({ "index.html": MINIMAL_COMPOSITION, "b.txt": "x".repeat(2000) })]));
    const res2 = await app.request("/v3/assets", { method: "POST", body: form, headers: { "x-api-key": key } }, tight);
    expect(res2.status).toBe(413);
    expect(((await res2.json()) as ErrorBody).error.message).toMatch(/unpacks to more than 1000 bytes/);
    await expectNothingStored(before);
  });

  it("rejects a request without the file field", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const form = new FormData();
    form.set("other", "x");
    const res = await app.request("/v3/assets", { method: "POST", body: form, headers: { "x-api-key": key } }, env);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: "invalid_parameter", param: "file" });
  });
});
