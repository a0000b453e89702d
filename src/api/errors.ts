// The error envelope every route answers with: {"error": {code, message, param?}}.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

export type ErrorCode =
  | "invalid_parameter"
  | "invalid_request"
  | "authentication_failed"
  | "not_found"
  | "rate_limit_exceeded"
  | "hyperframes_project_invalid"
  | "hyperframes_project_too_large"
  | "hyperframes_render_not_found"
  | "asset_not_found"
  | "signature_invalid"
  | "upload_size_mismatch"
  | "checksum_mismatch"
  | "upload_not_received"
  | "upload_expired"
  | "idempotency_key_reused"
  | "idempotency_request_in_progress"
  | "internal_error";

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly param?: string;
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, param?: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = param;
    this.headers = headers;
  }
}

export function errorBody(code: ErrorCode, message: string, param?: string) {
  return { error: { code, message, ...(param ? { param } : {}) } };
}

/** Converts a zod failure into an `invalid_parameter` error naming the first bad field. */
export function fromZodError(error: z.ZodError, prefix?: string): ApiError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const param = [prefix, path].filter(Boolean).join(".") || undefined;
  const message = param ? `${param}: ${issue?.message}` : (issue?.message ?? "invalid request");
  return new ApiError(400, "invalid_parameter", message, param);
}

export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json(errorBody(err.code, err.message, err.param), err.status);
  }
  if (err instanceof z.ZodError) {
    const apiErr = fromZodError(err);
    return c.json(errorBody(apiErr.code, apiErr.message, apiErr.param), 400);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal_error", "internal error; the request was not completed"), 500);
}
