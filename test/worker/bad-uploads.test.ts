// Bad uploads are refused with a clear 4xx and leave nothing behind: zip entries that are
// symbolic links or special files, entry names with control characters, a direct upload
// announced or sent as something other than a zip, and render variables of any size.
import { describe, expect, it } from "vitest";
import { env, SELF } from "cloudflare:test";
import { zipSync, strToU8, type Zippable } from "fflate";
import { db } from "../../src/db/client.ts";
import { assets, renders } from "../../src/db/schema.ts";
import { readDirectory } from "../../src/assets/zip-directory.ts";
import { toBase64 } from "../../src/lib/base64.ts";
import { MINIMAL_COMPOSITION, api, createAccount, createRender, r2Keys, uploadProject, uploadZip, zipOf } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };

// Storage is shared by the tests of a file, so "nothing stored" is judged against a snapshot.
async function storedState() {
  return {
    objects: await r2Keys(),
    assets: await db(env.DB).select().from(assets).all(),
    renders: await db(env.DB).select().from(renders).all(),
  };
}

async function expectNothingStored(before: Awaited<ReturnType<typeof storedState>>) {
  expect(await storedState()).toEqual(before);
}

/** A zip whose entries carry unix modes, as `zip -y` writes them (made on unix, mode << 16). */
function zipWithModes(entries: Record<string, { data: string; mode: number }>): Uint8Array {
  const files: Zippable = {};
  for (const [name, { data, mode }] of Object.entries(entries)) files[name] = [strToU8(data), { os: 3, attrs: mode * 0x10000 }];
  return zipSync(files);
}

const REGULAR = 0o100644;
const SYMLINK = 0o120777;
const FIFO = 0o010644;

async function startUpload(key: string, fields: Record<string, unknown>) {
  const res = await api(key, "/v3/assets/direct-uploads", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ filename: "p.zip", content_type: "application/zip", size_bytes: 100, ...fields }),
  });
  return { res, body: (await res.json()) as { data: { asset_id: string; upload_url: string } } & ErrorBody };
}

const complete = (key: string, id: string) =>
  api(key, `/v3/assets/${id}/complete`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });

describe("zip entries that are not plain files", () => {
  it("refuses a symbolic link (multipart), naming the entry, and keeps nothing", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const zip = zipWithModes({ "index.html": { data: MINIMAL_COMPOSITION, mode: REGULAR }, "secret.html": { data: "/etc/passwd", mode: SYMLINK } });
    const res = await uploadZip(key, zip);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "hyperframes_project_invalid", param: "file" });
    expect(error.message).toBe("zip entry 'secret.html' is a symbolic link; a project holds regular files only");
    await expectNothingStored(before);
  });

  it("refuses a symbolic link sent by direct upload at complete: the R2 objects and the D1 row go", async () => {
    const { key } = await createAccount();
    const zip = zipWithModes({ "index.html": { data: MINIMAL_COMPOSITION, mode: REGULAR }, "link": { data: "../../x", mode: SYMLINK } });
    const { body } = await startUpload(key, { size_bytes: zip.length });
    expect((await SELF.fetch(body.data.upload_url, { method: "PUT", body: zip })).status).toBe(200);
    const res = await complete(key, body.data.asset_id);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "hyperframes_project_invalid", param: "file" });
    expect(error.message).toMatch(/'link' is a symbolic link/);
    expect(await r2Keys(`assets/${body.data.asset_id}/`)).toEqual([]);
    expect(await db(env.DB).select().from(assets).all()).not.toContainEqual(expect.objectContaining({ id: body.data.asset_id }));
  });

  it("refuses a special file (a named pipe)", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const res = await uploadZip(key, zipWithModes({ "index.html": { data: MINIMAL_COMPOSITION, mode: REGULAR }, "pipe": { data: "", mode: FIFO } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toBe(
      "zip entry 'pipe' is a special file (unix mode 10644); a project holds regular files only",
    );
    await expectNothingStored(before);
  });

  it("accepts regular files and folders with unix modes", async () => {
    const { key } = await createAccount();
    const zip = zipSync({
      "index.html": [strToU8(MINIMAL_COMPOSITION), { os: 3, attrs: REGULAR * 0x10000 }],
      "css/": [new Uint8Array(0), { os: 3, attrs: 0o040755 * 0x10000 }],
      "css/a.css": [strToU8("body{}"), { os: 3, attrs: REGULAR * 0x10000 }],
    });
    expect((await uploadZip(key, zip)).status).toBe(200);
  });

  it("reads the directory of a zip64 archive too", async () => {
    const zip = toZip64(zipWithModes({ "index.html": { data: MINIMAL_COMPOSITION, mode: REGULAR }, "l": { data: "x", mode: SYMLINK } }));
    const entries = await readDirectory(zip.length, async (offset, length) => zip.slice(offset, offset + length));
    expect(entries).toEqual([
      { name: "index.html", mode: REGULAR },
      { name: "l", mode: SYMLINK },
    ]);
  });
});

describe("zip entry names with control characters", () => {
  it.each([
    ["a\u001b[31mred.html", "contains a control character (U+001B)", "a<U+001B>[31mred.html"],
    ["line\nbreak.html", "contains a control character (U+000A)", "line<U+000A>break.html"],
    ["tab\there.html", "contains a control character (U+0009)", "tab<U+0009>here.html"],
    ["del\u007f.html", "contains a control character (U+007F)", "del<U+007F>.html"],
    ["nul\u0000.html", "contains a NUL byte", "nul<U+0000>.html"],
  ])("refuses %j, naming it printably, and keeps nothing", async (name, reason, shown) => {
    const { key } = await createAccount();
    const before = await storedState();
    const res = await uploadZip(key, zipOf({ "index.html": MINIMAL_COMPOSITION, [name]: "x" }));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "hyperframes_project_invalid", param: "file" });
    expect(error.message).toBe(`zip entry '${shown}' ${reason}`);
    await expectNothingStored(before);
  });

  it("accepts names with accents and other scripts", async () => {
    const { key } = await createAccount();
    expect((await uploadZip(key, zipOf({ "index.html": MINIMAL_COMPOSITION, "images/café-Ł-日本.png": "x" }))).status).toBe(200);
  });
});

describe("direct uploads must be zips", () => {
  it.each(["text/html", "video/mp4", "application/octet-stream", "application/zipx"])(
    "refuses one announced as %s before anything is recorded",
    async (contentType) => {
      const { key } = await createAccount();
      const before = await storedState();
      const { res, body } = await startUpload(key, { content_type: contentType });
      expect(res.status).toBe(400);
      expect(body.error).toEqual({
        code: "invalid_parameter",
        param: "content_type",
        message: `content_type: must be a zip archive type (application/zip, application/x-zip-compressed, application/x-zip), got '${contentType}'`,
      });
      await expectNothingStored(before);
    },
  );

  it("accepts the zip types however they are written", async () => {
    const { key } = await createAccount();
    for (const contentType of ["application/zip", "Application/ZIP; charset=binary", "application/x-zip-compressed"]) {
      expect((await startUpload(key, { content_type: contentType })).res.status).toBe(200);
    }
  });

  it("refuses a PUT whose Content-Type is not a zip, storing nothing", async () => {
    const { key } = await createAccount();
    const zip = zipOf({ "index.html": MINIMAL_COMPOSITION });
    const { body } = await startUpload(key, { size_bytes: zip.length });
    const res = await SELF.fetch(body.data.upload_url, { method: "PUT", body: zip, headers: { "content-type": "text/html" } });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "invalid_request", param: "content_type" });
    expect(error.message).toBe("upload Content-Type 'text/html' is not a zip archive; send the project zip with upload_headers");
    expect(await r2Keys(`assets/${body.data.asset_id}/`)).toEqual([]);
    // A zip type joined with something else is not a zip either.
    const mixed = await SELF.fetch(body.data.upload_url, { method: "PUT", body: zip, headers: { "content-type": "application/zip, text/html" } });
    expect(mixed.status).toBe(400);
    // The same bytes sent as announced go through — also with the header sent twice, as the
    // official hyperframes CLI sends it ("application/zip, application/zip").
    const ok = await SELF.fetch(body.data.upload_url, { method: "PUT", body: zip, headers: { "content-type": "application/zip, application/zip" } });
    expect(ok.status).toBe(200);
  });
});

describe("render variables are bounded", () => {
  const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`v${i}`, i]));
  it.each([
    ["2000 keys", many, "variables", "variables: has 2000 keys; at most 200 are allowed"],
    ["a 1 MB string", { title: "x".repeat(1 << 20) }, "variables.title", "variables.title: is a string of 1048576 characters; at most 10000 are allowed"],
    ["a long string inside an object", { logo: { url: "x".repeat(10_001) } }, "variables.logo.url", "variables.logo.url: is a string of 10001 characters; at most 10000 are allowed"],
    ["a long key", { ["k".repeat(10_001)]: 1 }, "variables", "variables: has a key of 10001 characters; at most 10000 are allowed"],
    [
      "100 strings of 9000 characters",
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`s${i}`, "y".repeat(9000)])),
      "variables",
      /^variables: is \d+ bytes as JSON; at most 65536 are allowed$/,
    ],
    ["an array of 100000 numbers", { list: Array.from({ length: 100_000 }, () => 0) }, "variables", "variables: is more than 65536 bytes as JSON"],
  ])("refuses %s with a 400 naming the field, storing nothing", async (_what, variables, param, message) => {
    const { key } = await createAccount();
    const before = await storedState();
    // An inline project: a refusal must not leave even the project behind.
    const project = { type: "base64", media_type: "application/zip", data: toBase64(zipOf({ "index.html": MINIMAL_COMPOSITION })) };
    const res = await createRender(key, { project, variables });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe("invalid_parameter");
    expect(error.param).toBe(param);
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    await expectNothingStored(before);
  });

  it("refuses nesting 10000 levels deep without exhausting the stack", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const project = JSON.stringify({ type: "base64", media_type: "application/zip", data: toBase64(zipOf({ "index.html": MINIMAL_COMPOSITION })) });
    // Written as text: building it as an object would take a 10000-deep recursion here too.
    const body = `{"project":${project},"variables":{"tree":${"[".repeat(10_000)}"x"${"]".repeat(10_000)}}}`;
    const res = await api(key, "/v3/hyperframes/renders", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(400);
    const path = ["variables", "tree", ...Array<string>(16).fill("0")].join(".");
    expect(((await res.json()) as ErrorBody).error).toEqual({
      code: "invalid_parameter",
      param: path,
      message: `${path}: is nested more than 16 levels deep`,
    });
    await expectNothingStored(before);
  });

  it("accepts variables up to the bounds", async () => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key);
    const variables = { ...Object.fromEntries(Array.from({ length: 199 }, (_, i) => [`v${i}`, i])), title: "x".repeat(10_000) };
    const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, variables });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});

/** The same archive with a zip64 end of central directory (as archivers write past 4 GB or
 *  65535 entries): the classic record's fields say "see zip64". */
function toZip64(zip: Uint8Array): Uint8Array {
  const eocdAt = zip.length - 22;
  const eocd = new DataView(zip.buffer, zip.byteOffset + eocdAt, 22);
  const count = eocd.getUint16(10, true);
  const cdSize = eocd.getUint32(12, true);
  const cdOffset = eocd.getUint32(16, true);
  const record = new DataView(new ArrayBuffer(56));
  record.setUint32(0, 0x06064b50, true);
  record.setBigUint64(4, 44n, true);
  record.setUint16(12, 45, true);
  record.setBigUint64(24, BigInt(count), true);
  record.setBigUint64(32, BigInt(count), true);
  record.setBigUint64(40, BigInt(cdSize), true);
  record.setBigUint64(48, BigInt(cdOffset), true);
  const locator = new DataView(new ArrayBuffer(20));
  locator.setUint32(0, 0x07064b50, true);
  locator.setBigUint64(8, BigInt(eocdAt), true);
  locator.setUint32(16, 1, true);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 0xffff, true);
  end.setUint16(10, 0xffff, true);
  end.setUint32(12, 0xffffffff, true);
  end.setUint32(16, 0xffffffff, true);
  const out = new Uint8Array(eocdAt + 56 + 20 + 22);
  out.set(zip.subarray(0, eocdAt));
  out.set(new Uint8Array(record.buffer), eocdAt);
  out.set(new Uint8Array(locator.buffer), eocdAt + 56);
  out.set(new Uint8Array(end.buffer), eocdAt + 76);
  return out;
}
