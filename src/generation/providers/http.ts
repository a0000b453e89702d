// What every adapter does with HTTP the same way: call with the job's abort signal, turn a
// provider's status codes into failure categories (429 → rate_limited with its Retry-After,
// 402/quota → quota_exceeded, a deadline → timeout), read JSON that may be malformed, poll a
// queued job until it settles. Messages quote at most a short piece of the provider's answer.
import { dataUrl } from "../../lib/bytes.ts";
import { ProviderError, type ProviderContext } from "../types.ts";

const QUOTE_CHARS = 300;
const QUOTA_WORDS = /quota|insufficient (credit|balance|funds)|exhausted|billing|payment required|out of credits/i;

/** A short, single-line piece of a provider's answer for error messages. */
export function quote(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line;
}

function retryAfterSeconds(res: Response): number | undefined {
  const raw = res.headers.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : undefined;
}

/** Maps a failed HTTP answer to a ProviderError (the body is read for its message). */
export async function errorFromResponse(provider: string, what: string, res: Response): Promise<ProviderError> {
  let body = "";
  try {
    body = await res.text();
  } catch {
    // the body is only for the message
  }
  const said = body ? `: ${quote(body)}` : "";
  if (res.status === 429) {
    const wait = retryAfterSeconds(res);
    return new ProviderError(`${provider} rate-limited ${what} (HTTP 429${wait !== undefined ? `, retry after ${Math.ceil(wait)} s` : ""})${said}`, "rate_limited", 429, wait);
  }
  if (res.status === 402 || ((res.status === 403 || res.status === 400) && QUOTA_WORDS.test(body))) {
    return new ProviderError(`${provider} refused ${what} for lack of quota or credit (HTTP ${res.status})${said}`, "quota_exceeded", res.status);
  }
  if (res.status === 401 || res.status === 403) {
    return new ProviderError(`${provider} rejected the API key for ${what} (HTTP ${res.status})${said}`, "provider_error", res.status);
  }
  if (res.status === 408 || res.status === 504) {
    return new ProviderError(`${provider} timed out on ${what} (HTTP ${res.status})${said}`, "timeout", res.status);
  }
  return new ProviderError(`${provider} failed ${what} (HTTP ${res.status})${said}`, "provider_error", res.status);
}

/** fetch with the job's signal; network failures and the deadline become ProviderErrors. */
export async function providerFetch(ctx: ProviderContext, provider: string, what: string, url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw new ProviderError(`${provider} did not finish ${what} in time`, "timeout");
    throw new ProviderError(`could not reach ${provider} for ${what}: ${err instanceof Error ? err.message : String(err)}`, "provider_error");
  }
}

/** A successful JSON answer, or a ProviderError for a failed status or malformed JSON. */
export async function fetchJson<T = unknown>(ctx: ProviderContext, provider: string, what: string, url: string, init: RequestInit = {}): Promise<T> {
  const res = await providerFetch(ctx, provider, what, url, init);
  if (!res.ok) throw await errorFromResponse(provider, what, res);
  return readJson<T>(ctx, provider, what, res);
}

/** The JSON body of `res`. A body cut off by the job's deadline (the signal the request was
 *  made with) is a timeout, like a request cut off before its answer (providerFetch). */
export async function readJson<T = unknown>(ctx: ProviderContext, provider: string, what: string, res: Response): Promise<T> {
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    if (ctx.signal.aborted) throw new ProviderError(`${provider} did not finish ${what} in time`, "timeout");
    throw new ProviderError(`${provider} broke off its answer to ${what}: ${err instanceof Error ? err.message : String(err)}`, "provider_error");
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderError(`${provider} answered ${what} with malformed JSON: ${quote(text) || "(empty)"}`, "provider_error");
  }
}

/** Waits `ms`, or throws a timeout ProviderError when the signal aborts first. */
export function sleep(ctx: ProviderContext, provider: string, what: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(new ProviderError(`${provider} did not finish ${what} in time`, "timeout"));
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ProviderError(`${provider} did not finish ${what} in time`, "timeout"));
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Polls `check` until it returns a value (not undefined). Between polls it waits the context's
 * poll interval; the job's deadline (the signal) ends it with a timeout.
 */
export async function pollUntil<T>(ctx: ProviderContext, provider: string, what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(ctx, provider, what, ctx.pollIntervalMs);
  }
}

/** Downloads a result URL, turning any failure into a provider_error that names it. */
export async function downloadResult(ctx: ProviderContext, provider: string, what: string, url: unknown): Promise<{ bytes: Uint8Array; contentType: string }> {
  if (typeof url !== "string" || !url) throw new ProviderError(`${provider} reported ${what} complete but gave no output URL`, "provider_error");
  try {
    const file = await ctx.download(url);
    if (file.bytes.length === 0) throw new Error("it is empty");
    return file;
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    if (ctx.signal.aborted) throw new ProviderError(`${provider} did not finish ${what} in time`, "timeout");
    throw new ProviderError(`${provider}'s output for ${what} could not be downloaded (${quote(url)}): ${err instanceof Error ? err.message : String(err)}`, "provider_error");
  }
}

/** An input file as a data: URI, which fal, Replicate and OpenAI accept in place of a URL. */
export function dataUri(file: { bytes: Uint8Array; mediaType: string }): string {
  return dataUrl(file.mediaType, file.bytes);
}

