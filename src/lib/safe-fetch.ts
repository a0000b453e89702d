// Fetching a user-supplied URL safely: only public http(s) hosts (loopback when allowed
// locally), redirects checked hop by hop, a time limit, and a size cap enforced while the body
// streams in (Content-Length may be absent or wrong).
import { checkOutboundUrl } from "./url-safety.ts";
import { BodyTooLarge, readCapped } from "./bytes.ts";

const MAX_REDIRECTS = 3;

export type FetchProblemKind = "url_refused" | "unreachable" | "too_large";

export class FetchProblem extends Error {
  override name = "FetchProblem";
  readonly kind: FetchProblemKind;
  /** `message` completes a sentence about the URL: "… is not http(s)", "… answered HTTP 404". */
  constructor(kind: FetchProblemKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  allowLocal: boolean;
}

export interface Fetched {
  bytes: Uint8Array;
  contentType: string;
  /** The final URL, after redirects. */
  url: string;
}

export async function fetchLimited(raw: string, limits: FetchLimits): Promise<Fetched> {
  let target = raw;
  for (let hop = 0; ; hop++) {
    const check = checkOutboundUrl(target, limits.allowLocal);
    if (!check.ok) throw new FetchProblem("url_refused", check.reason);
    let res: Response;
    try {
      res = await fetch(check.url, { redirect: "manual", signal: AbortSignal.timeout(limits.timeoutMs) });
    } catch (err) {
      const why = (err as Error).name === "TimeoutError" ? "timed out" : (err as Error).message;
      throw new FetchProblem("unreachable", `could not be fetched: ${why}`);
    }
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new FetchProblem("unreachable", `redirected more than ${MAX_REDIRECTS} times`);
      target = new URL(location, check.url).toString();
      continue;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new FetchProblem("unreachable", `answered HTTP ${res.status}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(res, limits.maxBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) throw new FetchProblem("too_large", `is larger than the ${limits.maxBytes}-byte limit`);
      throw new FetchProblem("unreachable", `could not be fetched: ${(err as Error).message}`);
    }
    return { bytes, contentType: res.headers.get("content-type") ?? "", url: check.url.toString() };
  }
}
