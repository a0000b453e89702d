// PUT /v1/uploads/{asset_id}?exp&sig — the signed direct-upload URL. No API key: the
// signature is the capability, so a client can send bytes with exactly `upload_headers`.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { receiveUpload } from "../assets/direct-upload.ts";

export const uploadRoutes = new Hono<AppEnv>();

uploadRoutes.put("/:assetId", async (c) => {
  await receiveUpload(c.env, c.req.raw, c.req.param("assetId"), c.req.query("exp"), c.req.query("sig"));
  return c.body(null, 200);
});
