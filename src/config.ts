// Turns string vars from wrangler.toml into typed settings, failing loudly on a bad deploy config.
import { z } from "zod";
import type { Env } from "./env.ts";

const positiveInt = z.coerce.number().int().positive();

const ConfigSchema = z.object({
  maxProjectBytes: positiveInt,
  maxUnpackedBytes: positiveInt,
  signedUrlTtlSeconds: positiveInt,
  /** Fixed chunk size (CHUNK_FRAMES): set, it overrides the planner's cost model (tests, the
   *  bench, an operator who knows better); unset, the model chooses (src/render/chunk-count.ts). */
  chunkFrames: positiveInt.optional(),
  /** The most chunks (browsers at once) one render may fan out to, whoever chooses. */
  maxChunks: positiveInt,
  /** Which cost model the planner uses: "local" (browsers and FFmpeg share this machine's
   *  LOCAL_CORES) or "cloudflare" (the platform's limits); default local when the encoder is a
   *  local process, else cloudflare. */
  renderProfile: z.enum(["local", "cloudflare"]).optional(),
  localCores: positiveInt.default(2),
  signingSecret: z.string().min(16, "SIGNING_SECRET must be set (at least 16 characters)"),
  encoderLocalOrigin: z.string().url().optional(),
  /** Local development: lets project URLs and webhooks use http://127.0.0.1 and friends. */
  allowLocalUrls: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  rateLimitPerMinute: positiveInt,
  maxConcurrentRenders: positiveInt,
  webhookMaxAttempts: positiveInt,
  webhookRetryBaseSeconds: positiveInt,
  urlFetchTimeoutMs: positiveInt,
  frameTimeoutMs: positiveInt,
  /** How frames are captured (src/render/capture-settings.ts): "auto" chooses per output;
   *  "jpeg" or "webp" force one (benchmarks compare them). */
  captureFormat: z.enum(["auto", "jpeg", "webp"]).default("auto"),
  /** Take JPEG frames from the compositor's screencast where they are sure to be the pose's
   *  (src/render/screencast.ts); "false" uses screenshots only. */
  captureScreencast: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  /** Pages of one browser that capture a chunk side by side (src/render/frame-lanes.ts), 1–4. */
  capturePages: z.coerce.number().int().min(1).max(4).default(2),
  /** Seconds a browser whose step ended well stays open for the next step to take
   *  (src/jobs/browser-pool.ts); 0 closes every browser at once. Browser Rendering keeps an
   *  idle browser at most 10 minutes. */
  browserWarmS: z.coerce.number().int().min(0).max(540).default(60),
  publicOrigin: z.string().url().optional(),
  /** Browser origins allowed to call the API with CORS ("*" for any; none by default). */
  corsAllowedOrigins: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean)),
  /** Lifetime of signed SSE URLs: how long a browser has to open the stream (not how long it lasts). */
  eventsUrlTtlSeconds: positiveInt.default(300),
  /** Secret: guards the one-time setup page that hands the deployer the first API key. */
  setupSecret: z.string().optional(),
  /** varg dialect: requests per minute and concurrent renders per user (the seed's 10 and 5). */
  vargRateLimitPerMinute: positiveInt.default(10),
  vargMaxConcurrentRenders: positiveInt.default(5),
  /** varg SSE: keepalive comment interval and stream lifetime (15 s and 15 min in the seed). */
  vargKeepaliveMs: positiveInt.default(15_000),
  vargStreamTimeoutMs: positiveInt.default(15 * 60_000),
  /** Largest TSX source accepted (bytes). */
  vargMaxCodeBytes: positiveInt.default(256 * 1024),
  /** Largest media file a scene may reference (bytes). */
  maxMediaBytes: positiveInt.default(200 * 1024 * 1024),
  /** AI generation: calls in flight per render, one generation's deadline (submit to result,
   *  polls included), and the pause between status polls of a queued provider job. */
  generationParallelism: positiveInt.default(4),
  generationTimeoutMs: positiveInt.default(10 * 60_000),
  providerPollMs: positiveInt.default(2_000),
  /** The largest render accepted (see src/renders/render-limits.ts): output frame width, height
   *  and pixels (after the 4k scale), length in seconds, and frames (length × fps). */
  maxWidth: positiveInt.default(7680),
  maxHeight: positiveInt.default(7680),
  maxPixels: positiveInt.default(7680 * 4320),
  maxDurationSeconds: positiveInt.default(30 * 60),
  maxFrames: positiveInt.default(30 * 60 * 60),
});

export type Config = z.infer<typeof ConfigSchema>;

const cache = new WeakMap<Env, Config>();

export function configFrom(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = ConfigSchema.parse({
      maxProjectBytes: env.MAX_PROJECT_BYTES,
      maxUnpackedBytes: env.MAX_UNPACKED_BYTES,
      signedUrlTtlSeconds: env.SIGNED_URL_TTL_SECONDS,
      chunkFrames: env.CHUNK_FRAMES || undefined,
      maxChunks: env.MAX_CHUNKS,
      renderProfile: env.RENDER_PROFILE || undefined,
      localCores: env.LOCAL_CORES || undefined,
      signingSecret: env.SIGNING_SECRET,
      encoderLocalOrigin: env.ENCODER_LOCAL_ORIGIN || undefined,
      allowLocalUrls: env.ALLOW_LOCAL_URLS || undefined,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      maxConcurrentRenders: env.MAX_CONCURRENT_RENDERS,
      webhookMaxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      webhookRetryBaseSeconds: env.WEBHOOK_RETRY_BASE_SECONDS,
      urlFetchTimeoutMs: env.URL_FETCH_TIMEOUT_MS,
      frameTimeoutMs: env.FRAME_TIMEOUT_MS,
      captureFormat: env.CAPTURE_FORMAT || undefined,
      captureScreencast: env.CAPTURE_SCREENCAST || undefined,
      capturePages: env.CAPTURE_PAGES || undefined,
      browserWarmS: env.BROWSER_WARM_S || undefined,
      publicOrigin: env.PUBLIC_ORIGIN || undefined,
      corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS || undefined,
      eventsUrlTtlSeconds: env.EVENTS_URL_TTL_SECONDS || undefined,
      setupSecret: env.SETUP_SECRET || undefined,
      vargRateLimitPerMinute: env.VARG_RATE_LIMIT_PER_MINUTE || undefined,
      vargMaxConcurrentRenders: env.VARG_MAX_CONCURRENT_RENDERS || undefined,
      vargKeepaliveMs: env.VARG_KEEPALIVE_MS || undefined,
      vargStreamTimeoutMs: env.VARG_STREAM_TIMEOUT_MS || undefined,
      vargMaxCodeBytes: env.VARG_MAX_CODE_BYTES || undefined,
      maxMediaBytes: env.MAX_MEDIA_BYTES || undefined,
      generationParallelism: env.GENERATION_PARALLELISM || undefined,
      generationTimeoutMs: env.GENERATION_TIMEOUT_MS || undefined,
      providerPollMs: env.PROVIDER_POLL_MS || undefined,
      maxWidth: env.MAX_WIDTH || undefined,
      maxHeight: env.MAX_HEIGHT || undefined,
      maxPixels: env.MAX_PIXELS || undefined,
      maxDurationSeconds: env.MAX_DURATION_SECONDS || undefined,
      maxFrames: env.MAX_FRAMES || undefined,
    });
    cache.set(env, config);
  }
  return config;
}
