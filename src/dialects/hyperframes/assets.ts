// /v3/assets — project uploads: legacy multipart, and direct uploads (signed PUT + complete).
import { Hono } from "hono";
import type { AppEnv, Env } from "../../env.ts";
import type { AssetRow } from "../../db/schema.ts";
import { configFrom } from "../../config.ts";
import { DomainError, tooLarge } from "../../core/errors.ts";
import { jsonBody } from "../../api/json-body.ts";
import { CompleteUploadSchema, DirectUploadSchema } from "./schemas.ts";
import { storeProject } from "../../assets/store-project.ts";
import { completeUpload, createDirectUpload } from "../../assets/direct-upload.ts";
import { normaliseSha256 } from "../../lib/hash.ts";
import { signedFileUrl } from "../../api/files.ts";
import { r2Keys } from "../../assets/layout.ts";
import { docs } from "./docs.ts";

/** Room for multipart boundaries and part headers on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

export const assetRoutes = new Hono<AppEnv>();


async function assetView(env: Env, origin: string, asset: AssetRow) {
  return {
    asset_id: asset.id,
    url: await signedFileUrl(env, origin, r2Keys.assetSource(asset.id)),
    mime_type: asset.mimeType,
    size_bytes: asset.sizeBytes,
    status: asset.status,
  };
}

assetRoutes.post("/", docs.uploadAsset, async (c) => {
  const { maxProjectBytes } = configFrom(c.env);
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxProjectBytes + MULTIPART_OVERHEAD) throw tooLarge(maxProjectBytes);
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new DomainError("invalid", "invalid_request", "expected a multipart/form-data body with the zip in field 'file'");
  }
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new DomainError("invalid", "invalid_request", "multipart body could not be parsed");
  }
  const file = form.get("file");
  if (!(file instanceof File)) {
    throw new DomainError("invalid", "invalid_parameter", "multipart field 'file' with the project zip is required", "file");
  }
  if (file.size > maxProjectBytes) throw tooLarge(maxProjectBytes);
  const asset = await storeProject(c.env, { accountId: c.get("accountId"), filename: file.name || "project.zip", body: file });
  return c.json({ data: await assetView(c.env, new URL(c.req.url).origin, asset) });
});

assetRoutes.post("/direct-uploads", docs.createDirectUpload, async (c) => {
  const body = await jsonBody(c.req.raw, DirectUploadSchema);
  const { maxProjectBytes } = configFrom(c.env);
  if (body.size_bytes > maxProjectBytes) throw tooLarge(maxProjectBytes, "size_bytes");
  const data = await createDirectUpload(c.env, c.get("accountId"), new URL(c.req.url).origin, {
    filename: body.filename,
    contentType: body.content_type,
    sizeBytes: body.size_bytes,
    sha256: body.checksum_sha256 ? normaliseSha256(body.checksum_sha256) : null,
  });
  return c.json({ data });
});

assetRoutes.post("/:id/complete", docs.completeUpload, async (c) => {
  const body = await jsonBody(c.req.raw, CompleteUploadSchema, true);
  const asset = await completeUpload(
    c.env,
    c.get("accountId"),
    c.req.param("id"),
    body.checksum_sha256 ? normaliseSha256(body.checksum_sha256) : null,
  );
  return c.json({ data: await assetView(c.env, new URL(c.req.url).origin, asset) });
});
