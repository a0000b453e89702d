// The HyperFrames error envelope: {"error": {code, message, param?}} with the HTTP status the
// HyperFrames cloud API uses for each kind of failure.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { DomainError, fromZodError, type ErrorCode, type ErrorKind } from "../../core/errors.ts";

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** Core codes whose HyperFrames name differs. */
const WIRE_CODE: Partial<Record<ErrorCode, string>> = {
  invalid_source: "hyperframes_project_invalid",
  project_too_large: "hyperframes_project_too_large",
  render_not_found: "hyperframes_render_not_found",
  invalid_json: "invalid_request",
  enqueue_failed: "internal_error",
};

export function errorBody(code: string, message: string, param?: string) {
  return { error: { code, message, ...(param ? { param } : {}) } };
}

export function hyperframesError(err: Error, c: Context): Response {
  if (err instanceof z.ZodError) err = fromZodError(err);
  if (err instanceof DomainError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json(errorBody(WIRE_CODE[err.code] ?? err.code, err.message, err.field), STATUS[err.kind]);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal_error", "internal error; the request was not completed"), 500);
}
