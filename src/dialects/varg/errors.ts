// The varg error shape: {"error": "<what the seed calls it>", "message": "<what exactly>"},
// with `line`/`column` for code problems, and the seed's status codes.
import type { Context } from "hono";
import { z } from "zod";
import { HTTP_STATUS } from "../../api/http-status.ts";
import { DomainError, fromZodError } from "../../core/errors.ts";

function title(err: DomainError): string {
  switch (err.code) {
    case "invalid_json":
      return "Invalid JSON body";
    case "invalid_source":
      return "Invalid render code";
    case "authentication_failed":
      return "Unauthorized";
    case "rate_limit_exceeded":
      return "Rate limit exceeded";
    case "enqueue_failed":
      return "Failed to enqueue render job";
    case "render_not_found":
      return "Job not found";
    case "not_found":
      return "Not found";
    default:
      return "Invalid request";
  }
}

export function vargError(err: Error, c: Context): Response {
  if (err instanceof z.ZodError) err = fromZodError(err);
  if (err instanceof DomainError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    const body = {
      error: title(err),
      message: err.message,
      ...(err.field ? { field: err.field } : {}),
      ...(err.location ?? {}),
    };
    return c.json(body, HTTP_STATUS[err.kind]);
  }
  console.error("unhandled error", err);
  return c.json({ error: "Internal error", message: "the request was not completed" }, 500);
}
