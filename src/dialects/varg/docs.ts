// OpenAPI descriptions of the varg routes (see src/openapi/): each is a describeRoute middleware
// placed on its route, built from the zod schemas that route validates with.
import { describeRoute } from "hono-openapi";
import { API_KEY_SECURITY, jsonRequest, jsonResponse, queryParameters, sseResponse } from "../../openapi/describe.ts";
import { JobListSchema, JobSchema, ListJobsQuerySchema, SubmitRenderSchema, SubmittedSchema, VargErrorSchema, VargEventsUrlSchema } from "./schemas.ts";

const TAG = "varg";

const errors = {
  400: jsonResponse("`Invalid JSON body`, `Invalid render code` (with `line` and `column`), or a bad field.", VargErrorSchema),
  401: jsonResponse("`Unauthorized`: missing or unknown key.", VargErrorSchema),
  404: jsonResponse("`Job not found` in this account.", VargErrorSchema),
  429: jsonResponse("`Rate limit exceeded`; see `Retry-After`.", VargErrorSchema),
  503: jsonResponse("`Failed to enqueue render job`.", VargErrorSchema),
};

/** Every route of the dialect: tag and key. */
export const dialectDocs = describeRoute({ tags: [TAG], security: API_KEY_SECURITY });

export const docs = {
  submit: describeRoute({
    summary: "Render TSX code",
    description: "The code runs in a sandbox (no network, CPU/memory/stack limits) and describes the video; `providerKeys` are sealed and never stored.",
    requestBody: jsonRequest(SubmitRenderSchema),
    responses: { 202: jsonResponse("Accepted.", SubmittedSchema), 400: errors[400], 401: errors[401], 429: errors[429], 503: errors[503] },
  }),
  job: describeRoute({
    summary: "A job: status, progress, output and files",
    responses: { 200: jsonResponse("The job.", JobSchema), 401: errors[401], 404: errors[404] },
  }),
  stream: describeRoute({
    summary: "Live job status (Server-Sent Events)",
    description:
      "`status` events with the poll JSON on every change, `:keepalive` comments, `timeout` after 15 minutes; " +
      "resume with `Last-Event-ID`. Browsers: use `events-url` instead.",
    responses: { 200: sseResponse("The event stream; each `status` event's data.", JobSchema), 401: errors[401], 404: errors[404] },
  }),
  eventsUrl: describeRoute({
    summary: "A short-lived signed stream URL for browsers (EventSource)",
    description: "The URL carries no API key and opens only this job's stream, from any origin, until `expires_at`.",
    responses: { 200: jsonResponse("The URL.", VargEventsUrlSchema), 401: errors[401], 404: errors[404] },
  }),
  jobs: describeRoute({
    summary: "Jobs of the account, newest first",
    parameters: queryParameters(ListJobsQuerySchema),
    responses: { 200: jsonResponse("The jobs.", JobListSchema), 400: errors[400], 401: errors[401] },
  }),
};
