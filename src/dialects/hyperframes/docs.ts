// OpenAPI descriptions of the HyperFrames routes (see src/openapi/): each is a describeRoute
// middleware placed on its route, built from the zod schemas that route validates with.
import { z } from "zod";
import { describeRoute, resolver } from "hono-openapi";
import { API_KEY_SECURITY, jsonRequest, jsonResponse, queryParameters, sseResponse } from "../../openapi/describe.ts";
import {
  AssetSchema,
  AssetUploadFormSchema,
  CompleteUploadSchema,
  CreateRenderSchema,
  DirectUploadCreatedSchema,
  DirectUploadSchema,
  ErrorSchema,
  EventsUrlSchema,
  ListQuerySchema,
  RenderCreatedSchema,
  RenderDeletedSchema,
  RenderDetailSchema,
  RenderEventSchema,
  RenderListSchema,
  UserSchema,
  WebhookAttemptSchema,
  WebhookSecretSchema,
  dataEnvelope,
} from "./schemas.ts";

const TAG = "HyperFrames";

const errors = {
  400: jsonResponse("Invalid request (`invalid_parameter` names the field in `param`).", ErrorSchema),
  401: jsonResponse("Missing, malformed, unknown or revoked API key.", ErrorSchema),
  404: jsonResponse("No such render or asset in this account.", ErrorSchema),
  429: jsonResponse("Rate limit exceeded; see `Retry-After`.", ErrorSchema),
};

const idempotencyKey = {
  in: "header" as const,
  name: "Idempotency-Key",
  required: false,
  description: "1–255 of `[A-Za-z0-9_:.-]`: the same key and body replay the first response for a day.",
  schema: { type: "string" as const, pattern: "^[A-Za-z0-9_:.-]{1,255}$" },
};

/** Every route of the dialect: tag and key. */
export const dialectDocs = describeRoute({ tags: [TAG], security: API_KEY_SECURITY });

export const docs = {
  uploadAsset: describeRoute({
    summary: "Upload a project zip (multipart)",
    parameters: [idempotencyKey],
    requestBody: { required: true, content: { "multipart/form-data": { schema: resolver(AssetUploadFormSchema) } } },
    responses: { 200: jsonResponse("The stored and unpacked asset.", dataEnvelope(AssetSchema)), 400: errors[400], 401: errors[401], 413: jsonResponse("Project too large.", ErrorSchema) },
  }),
  createDirectUpload: describeRoute({
    summary: "Start a direct upload: a signed URL to PUT the zip to",
    parameters: [idempotencyKey],
    requestBody: jsonRequest(DirectUploadSchema),
    responses: { 200: jsonResponse("Where and how to PUT the bytes.", dataEnvelope(DirectUploadCreatedSchema)), 400: errors[400], 401: errors[401] },
  }),
  completeUpload: describeRoute({
    summary: "Finish a direct upload: verify size and checksum, unpack (idempotent)",
    requestBody: { ...jsonRequest(CompleteUploadSchema), required: false },
    responses: { 200: jsonResponse("The ready asset.", dataEnvelope(AssetSchema)), 400: errors[400], 401: errors[401], 404: errors[404] },
  }),
  createRender: describeRoute({
    summary: "Start a render",
    parameters: [idempotencyKey],
    requestBody: jsonRequest(CreateRenderSchema),
    responses: { 200: jsonResponse("The new render's id.", dataEnvelope(RenderCreatedSchema)), 400: errors[400], 401: errors[401], 429: errors[429] },
  }),
  getRender: describeRoute({
    summary: "A render: status, progress, ETA; a signed video_url once completed",
    responses: { 200: jsonResponse("The render.", dataEnvelope(RenderDetailSchema)), 401: errors[401], 404: errors[404] },
  }),
  listRenders: describeRoute({
    summary: "Renders of the account, newest first",
    parameters: queryParameters(ListQuerySchema, { token: "`next_token` of the previous page." }),
    responses: { 200: jsonResponse("One page.", RenderListSchema), 400: errors[400], 401: errors[401] },
  }),
  renderEvents: describeRoute({
    summary: "Live status and progress (Server-Sent Events)",
    description:
      "`status` events when the status changes (and first), `progress` events otherwise, `: keepalive` comments; " +
      "resume with `Last-Event-ID`; the stream ends with the render. Browsers: use `events-url` instead.",
    responses: { 200: sseResponse("The event stream; each event's data.", RenderEventSchema), 401: errors[401], 404: errors[404] },
  }),
  renderEventsUrl: describeRoute({
    summary: "A short-lived signed events URL for browsers (EventSource)",
    description: "The URL carries no API key and opens only this render's events, from any origin, until `expires_at`.",
    responses: { 200: jsonResponse("The URL.", dataEnvelope(EventsUrlSchema)), 401: errors[401], 404: errors[404] },
  }),
  renderWebhooks: describeRoute({
    summary: "Every webhook delivery attempt for a render, oldest first",
    responses: { 200: jsonResponse("The attempts.", dataEnvelope(z.array(WebhookAttemptSchema))), 401: errors[401], 404: errors[404] },
  }),
  deleteRender: describeRoute({
    summary: "Delete a render (a running one is stopped)",
    responses: { 200: jsonResponse("Deleted.", dataEnvelope(RenderDeletedSchema)), 401: errors[401], 404: errors[404] },
  }),
  me: describeRoute({
    summary: "The account of the key",
    responses: { 200: jsonResponse("The account.", dataEnvelope(UserSchema)), 401: errors[401] },
  }),
  webhookSecret: describeRoute({
    summary: "The account's Standard Webhooks signing secret",
    responses: { 200: jsonResponse("The secret.", dataEnvelope(WebhookSecretSchema)), 401: errors[401] },
  }),
};
