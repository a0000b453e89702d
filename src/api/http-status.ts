// The HTTP status of each kind of domain error: the same in both dialects (their error bodies
// differ, their statuses do not).
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorKind } from "../core/errors.ts";

export const HTTP_STATUS: Record<ErrorKind, ContentfulStatusCode> = {
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
