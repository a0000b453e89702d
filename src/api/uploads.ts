// PUT /v1/uploads/{asset_id}?exp&sig — the signed direct-upload URL. No API key: the
// signature is the capability, so a client can send bytes with exactly `upload_headers`.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { receiveUpload } from "../assets/direct-upload.ts";
import { describeRoute } from "hono-openapi";
import { signedUrlParameters } from "../openapi/describe.ts";

export const uploadRoutes = new Hono<AppEnv>();

const describeUpload = describeRoute({
  tags: ["Capability URLs"],
  summary: "Send a direct upload's bytes to its signed upload_url (exactly upload_headers, no API key)",
  parameters: signedUrlParameters,
  requestBody: { required: true, content: { "application/zip": { schema: { type: "string", format: "binary" } } } },
  responses: { 200: { description: "Received; now call complete." }, 403: { description: "The signature is missing, wrong or expired." } },
});

uploadRoutes.put("/:assetId", describeUpload, async (c) => {
  await receiveUpload(c.env, c.req.raw, c.req.param("assetId"), c.req.query("exp"), c.req.query("sig"));
  return c.body(null, 200);
});
