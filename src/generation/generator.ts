// Runs generation requests for one render: picks the key, answers from the cache when it can,
// bounds the provider calls in flight, gives each call a deadline, retries what waiting can fix
// (a 429 that names a short wait, a provider 5xx) and stores every result in the cache. Every
// error that leaves here has had the render's keys redacted from its message.
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { fetchLimited } from "../lib/safe-fetch.ts";
import { GenerationCache, requestHash } from "./cache.ts";
import { keyFor, redact, type ProviderKeys } from "./keys.ts";
import { ADAPTERS, BASE_URL_VARS, DEFAULT_BASE_URLS, type ProviderName } from "./providers/index.ts";
import { ProviderError, type GeneratedMedia, type GenerationRequest, type ProviderAdapter } from "./types.ts";

/** Attempts per generation, and the longest Retry-After we wait for rather than fail. */
const MAX_ATTEMPTS = 3;
const MAX_RETRY_WAIT_S = 30;

export interface GenerationResult extends GeneratedMedia {
  /** Cache key: the same request gives the same hash. */
  hash: string;
  /** True when it came from the cache (no provider call). */
  cached: boolean;
}

/** A request that cannot be generated however often it is tried (no key, unknown model). */
export class GenerationRefused extends Error {
  override name = "GenerationRefused";
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly size: number;
  constructor(size: number) {
    this.size = size;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export function adapterFor(provider: string): ProviderAdapter | undefined {
  return Object.hasOwn(ADAPTERS, provider) ? ADAPTERS[provider] : undefined;
}

/** Why `request` can never run here (unknown provider or model, no key unless `requireKey`
 *  is false), or null. */
export function refusal(request: Pick<GenerationRequest, "provider" | "kind" | "model">, keys: ProviderKeys, env: Env, requireKey = true): string | null {
  const adapter = adapterFor(request.provider);
  if (!adapter) return `"${request.provider}" is not a provider this service can call (it knows ${Object.keys(ADAPTERS).join(", ")})`;
  const unsupported = adapter.unsupported(request.kind, request.model);
  if (unsupported) return unsupported;
  if (requireKey && !keyFor(request.provider, keys, env)) {
    return `no ${request.provider} key: pass providerKeys.${request.provider} with the request, or set the deployment's ${request.provider.toUpperCase()} key secret`;
  }
  return null;
}

export class Generator {
  private readonly cache: GenerationCache;
  private readonly slots: Semaphore;
  private readonly inFlight = new Map<string, Promise<GenerationResult>>();
  private readonly secrets: string[];
  /** Provider calls that started a generation (cache misses), for logs and tests. */
  providerCalls = 0;

  private readonly env: Env;
  private readonly keys: ProviderKeys;
  private readonly signal?: AbortSignal;

  constructor(env: Env, accountId: string, keys: ProviderKeys, signal?: AbortSignal) {
    this.env = env;
    this.keys = keys;
    this.signal = signal;
    this.cache = new GenerationCache(env.BUCKET, accountId);
    this.slots = new Semaphore(configFrom(env).generationParallelism);
    this.secrets = Object.values(keys).filter((k): k is string => typeof k === "string");
  }

  /** Generates (or recalls) one request. Equal requests in flight share one call. */
  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const adapter = adapterFor(request.provider);
    const why = refusal(request, this.keys, this.env);
    if (!adapter || why) throw new GenerationRefused(why ?? "unknown provider");
    const endpoint = adapter.endpointFor(request);
    const hash = await requestHash(request, endpoint);
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.produce(adapter, request, hash);
      this.inFlight.set(hash, pending);
      // A failure is not remembered: a later request may try again.
      pending.catch(() => this.inFlight.delete(hash));
    }
    return pending;
  }

  private async produce(adapter: ProviderAdapter, request: GenerationRequest, hash: string): Promise<GenerationResult> {
    const hit = await this.cache.get(hash);
    if (hit) return { ...hit, cached: true };
    const media = await this.slots.run(() => this.callWithRetries(adapter, request));
    await this.cache.put(hash, media);
    return { ...media, hash, cached: false };
  }

  private async callWithRetries(adapter: ProviderAdapter, request: GenerationRequest): Promise<GeneratedMedia> {
    const key = keyFor(request.provider, this.keys, this.env)!;
    const allSecrets = [...this.secrets, key];
    for (let attempt = 1; ; attempt++) {
      try {
        this.providerCalls++;
        return await this.callOnce(adapter, request, key);
      } catch (err) {
        const error = err instanceof ProviderError ? err : new ProviderError(`${request.provider} adapter failed: ${err instanceof Error ? err.message : String(err)}`);
        const safe = new ProviderError(redact(error.message, allSecrets), error.category, error.status, error.retryAfter);
        const wait = retryDelay(safe, attempt);
        if (wait === null || this.signal?.aborted) throw safe;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async callOnce(adapter: ProviderAdapter, request: GenerationRequest, key: string): Promise<GeneratedMedia> {
    const config = configFrom(this.env);
    const deadline = AbortSignal.timeout(config.generationTimeoutMs);
    const signal = this.signal ? AbortSignal.any([deadline, this.signal]) : deadline;
    const vars = this.env as unknown as Record<string, string | undefined>;
    const name = request.provider as ProviderName;
    const baseUrl = (vars[BASE_URL_VARS[name]] || DEFAULT_BASE_URLS[name]).replace(/\/+$/, "");
    return adapter.generate(request, {
      key,
      baseUrl,
      signal,
      pollIntervalMs: config.providerPollMs,
      download: async (url) => {
        const file = await fetchLimited(url, { maxBytes: config.maxMediaBytes, timeoutMs: config.urlFetchTimeoutMs, allowLocal: config.allowLocalUrls });
        return { bytes: file.bytes, contentType: file.contentType };
      },
    });
  }
}

/** Milliseconds to wait before another attempt, or null when another attempt cannot help. */
function retryDelay(error: ProviderError, attempt: number): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  if (error.category === "rate_limited") {
    const wait = error.retryAfter ?? 2 * attempt;
    return wait <= MAX_RETRY_WAIT_S ? wait * 1000 : null;
  }
  if (error.category === "provider_error" && error.status !== undefined && error.status >= 500) return 1000 * attempt;
  return null;
}
