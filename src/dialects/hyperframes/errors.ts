// The HyperFrames error envelope: {"error": {code, message, param?}} with the HTTP status the
// HyperFrames cloud API uses for each kind of failure.
import type { Context } from "hono";
import { z } from "zod";
import { HTTP_STATUS } from "../../api/http-status.ts";
import { DomainError, fromZodError, type ErrorCode } from "../../core/errors.ts";

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
    return c.json(errorBody(WIRE_CODE[err.code] ?? err.code, err.message, err.field), HTTP_STATUS[err.kind]);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal_error", "internal error; the request was not completed"), 500);
}
