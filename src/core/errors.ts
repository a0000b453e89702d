// Domain errors: what went wrong (a kind and a neutral code) and which input caused it (field),
// never how a dialect says it on the wire. Each dialect maps these to its own status codes,
// error codes and body shape (src/dialects/*/errors.ts).

export type ErrorKind =
  | "invalid" // the request is wrong: fix it and retry
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict" // the resource is in a state that does not allow this now
  | "gone"
  | "unprocessable"
  | "too_large"
  | "rate_limited"
  | "unavailable"; // a dependency of ours is down: retry later

export type ErrorCode =
  | "invalid_parameter"
  | "invalid_request"
  | "invalid_json"
  | "invalid_source" // a composition / scene that cannot be rendered
  | "project_too_large"
  | "authentication_failed"
  | "not_found"
  | "render_not_found"
  | "asset_not_found"
  | "rate_limit_exceeded"
  | "signature_invalid"
  | "upload_size_mismatch"
  | "checksum_mismatch"
  | "upload_not_received"
  | "upload_expired"
  | "idempotency_key_reused"
  | "idempotency_request_in_progress"
  | "enqueue_failed"
  | "setup_closed"; // the one-time setup is disabled or already done

export class DomainError extends Error {
  override name = "DomainError";
  readonly kind: ErrorKind;
  readonly code: ErrorCode;
  /** The input at fault, as a dotted path of the request (e.g. "project.url"). */
  readonly field?: string;
  /** Headers the answer must carry (Retry-After, X-RateLimit-*). */
  readonly headers: Record<string, string>;
  /** Where in a submitted source the problem is (1-based), when it is a source. */
  readonly location?: { line: number; column: number };

  constructor(
    kind: ErrorKind,
    code: ErrorCode,
    message: string,
    field?: string,
    headers: Record<string, string> = {},
    location?: { line: number; column: number },
  ) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.field = field;
    this.headers = headers;
    this.location = location;
  }
}

/** A zod failure as an `invalid_parameter` error naming the first bad field. */
export function fromZodError(error: { issues: Array<{ path: PropertyKey[]; message: string }> }, prefix?: string): DomainError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const field = [prefix, path].filter(Boolean).join(".") || undefined;
  const message = field ? `${field}: ${issue?.message}` : (issue?.message ?? "invalid request");
  return new DomainError("invalid", "invalid_parameter", message, field);
}

/** A project (zip or fetched file) over the size limit. */
export function tooLarge(max: number, field = "file"): DomainError {
  return new DomainError("too_large", "project_too_large", `project zip is larger than the ${max}-byte limit`, field);
}

/** A render that cannot succeed however often it is retried (a broken composition, a scene
 *  that does not compile, a provider that refused): the pipeline fails it at once. */
export type FailureCategory = "invalid_source" | "provider_error" | "timeout" | "rate_limited" | "quota_exceeded" | "internal";

export class RenderFailure extends Error {
  override name = "RenderFailure";
  readonly category: FailureCategory;
  constructor(message: string, category: FailureCategory = "invalid_source") {
    super(message);
    this.category = category;
  }
}
