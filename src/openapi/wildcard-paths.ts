// Routes whose Hono path ends in a wildcard (a file key or a project path of several segments):
// hono-openapi leaves wildcard paths out, so they are described here with a named parameter.
import { signedUrlParameters } from "./describe.ts";

const tags = ["Capability URLs"];
const binary = { schema: { type: "string", format: "binary" } } as const;
const signatureRefused = { description: "The signature is missing, wrong or expired." };

const download = {
  tags,
  summary: "Download a file by its signed URL (video_url, thumbnail_url, files[].url); Range and ETag work",
  parameters: [{ in: "path", name: "key", required: true, description: "The object key, as issued.", schema: { type: "string" } }, ...signedUrlParameters],
  responses: {
    200: { description: "The file.", content: { "application/octet-stream": binary } },
    206: { description: "The requested range.", content: { "application/octet-stream": binary } },
    403: signatureRefused,
    404: { description: "No such file." },
  },
};

export const wildcardPaths = {
  "/v1/files/{key}": { get: { ...download, operationId: "getV1FilesByKey" }, head: { ...download, operationId: "headV1FilesByKey" } },
  "/v1/capture/{token}/{path}": {
    get: {
      tags,
      operationId: "getV1CaptureByTokenByPath",
      summary: "Internal: a project file served to the render's own capture browser",
      parameters: [
        { in: "path", name: "token", required: true, description: "The per-render capture token.", schema: { type: "string" } },
        { in: "path", name: "path", required: true, description: "A file of the project.", schema: { type: "string" } },
      ],
      responses: { 200: { description: "The file.", content: { "application/octet-stream": binary } }, 403: signatureRefused, 404: { description: "Not part of the project." } },
    },
  },
};
