// POST /v3/assets — legacy multipart upload of a project zip (field `file`).
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { configFrom } from "../config.ts";
import { ApiError } from "./errors.ts";
import { storeProject } from "../assets/store-project.ts";
import { signedFileUrl } from "./files.ts";
import { r2Keys } from "../assets/layout.ts";

/** Room for multipart boundaries and part headers on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

export const assetRoutes = new Hono<AppEnv>();

function tooLarge(max: number): ApiError {
  return new ApiError(413, "hyperframes_project_too_large", `project zip is larger than the ${max}-byte limit`, "file");
}

assetRoutes.post("/", async (c) => {
  const { maxProjectBytes } = configFrom(c.env);
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxProjectBytes + MULTIPART_OVERHEAD) throw tooLarge(maxProjectBytes);
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new ApiError(400, "invalid_request", "expected a multipart/form-data body with the zip in field 'file'");
  }

  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new ApiError(400, "invalid_request", "multipart body could not be parsed");
  }
  const file = form.get("file");
  if (!(file instanceof File)) {
    throw new ApiError(400, "invalid_parameter", "multipart field 'file' with the project zip is required", "file");
  }
  if (file.size > maxProjectBytes) throw tooLarge(maxProjectBytes);

  const asset = await storeProject(c.env, {
    accountId: c.get("accountId"),
    filename: file.name || "project.zip",
    body: file,
  });
  return c.json({
    data: {
      asset_id: asset.id,
      url: await signedFileUrl(c.env, new URL(c.req.url).origin, r2Keys.assetSource(asset.id)),
      mime_type: asset.mimeType,
      size_bytes: asset.sizeBytes,
      status: asset.status,
    },
  });
});
