// Bindings declared in wrangler.toml. Keep this file and the config in step.
import type { RenderJob } from "./jobs/render-job.ts";
import type { RateLimiter } from "./jobs/rate-limiter.ts";
import type { BrowserPool } from "./jobs/browser-pool.ts";
import type { Encoder } from "./encoder/container.ts";
import type { RenderMessage, WebhookMessage } from "./jobs/messages.ts";

export interface Env {
  DB: D1Database;
  BUCKET: R2Bucket;
  RENDER_JOB: DurableObjectNamespace<RenderJob>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  BROWSER_POOL: DurableObjectNamespace<BrowserPool>;
  ENCODER: DurableObjectNamespace<Encoder>;
  RENDER_QUEUE: Queue<RenderMessage>;
  WEBHOOK_QUEUE: Queue<WebhookMessage>;
  BROWSER: Fetcher;

  /** Secret: HMAC key for signed download/upload/capture URLs. */
  SIGNING_SECRET: string;
  MAX_PROJECT_BYTES: string;
  MAX_UNPACKED_BYTES: string;
  SIGNED_URL_TTL_SECONDS: string;
  /** Optional fixed chunk size; unset, the planner's cost model chooses the chunk count. */
  CHUNK_FRAMES?: string;
  MAX_CHUNKS: string;
  /** "local" | "cloudflare": the planner's cost model (default from ENCODER_LOCAL_ORIGIN). */
  RENDER_PROFILE?: string;
  /** Cores of the machine running the local stack (the local cost model's shared CPU). */
  LOCAL_CORES?: string;
  ENCODER_LOCAL_ORIGIN?: string;
  ALLOW_LOCAL_URLS?: string;
  RATE_LIMIT_PER_MINUTE: string;
  MAX_CONCURRENT_RENDERS: string;
  WEBHOOK_MAX_ATTEMPTS: string;
  WEBHOOK_RETRY_BASE_SECONDS: string;
  URL_FETCH_TIMEOUT_MS: string;
  FRAME_TIMEOUT_MS: string;
  /** Optional: "auto" (default), "jpeg" or "webp" — see src/render/capture-settings.ts. */
  CAPTURE_FORMAT?: string;
  /** Optional: "false" captures with screenshots only (src/render/screencast.ts). */
  CAPTURE_SCREENCAST?: string;
  /** Optional: "1" captures each chunk on one page instead of two (src/render/frame-lanes.ts). */
  CAPTURE_PAGES?: string;
  /** Optional: seconds a browser stays open for the next step after its own (default 60; 0: none). */
  BROWSER_WARM_S?: string;
  /** Optional: origin the browser uses to load composition pages (defaults to the request origin). */
  PUBLIC_ORIGIN?: string;
  /** Browser origins allowed to call the API (comma-separated, or "*"). */
  CORS_ALLOWED_ORIGINS?: string;
  /** Seconds a signed SSE URL may be opened in (default 300). */
  EVENTS_URL_TTL_SECONDS?: string;
  /** Secret: unlocks the one-time setup page (/setup) that creates the first API key. */
  SETUP_SECRET?: string;
  VARG_RATE_LIMIT_PER_MINUTE?: string;
  VARG_MAX_CONCURRENT_RENDERS?: string;
  VARG_KEEPALIVE_MS?: string;
  VARG_STREAM_TIMEOUT_MS?: string;
  VARG_MAX_CODE_BYTES?: string;
  MAX_MEDIA_BYTES?: string;
  GENERATION_PARALLELISM?: string;
  GENERATION_TIMEOUT_MS?: string;
  PROVIDER_POLL_MS?: string;
  MAX_WIDTH?: string;
  MAX_HEIGHT?: string;
  MAX_PIXELS?: string;
  MAX_DURATION_SECONDS?: string;
  MAX_FRAMES?: string;
  /** How long a render step may go without progress before the watchdog sends it again (ms). */
  STEP_STALL_MS?: string;
  /** Local fault drills only (src/jobs/fault-injection.ts); never set on a deployment. */
  FAULT_INJECTION?: string;
  /** Provider API base URLs (default: the real APIs; local fakes in tests and offline dev). */
  FAL_BASE_URL?: string;
  REPLICATE_BASE_URL?: string;
  HIGGSFIELD_BASE_URL?: string;
  ELEVENLABS_BASE_URL?: string;
  OPENAI_BASE_URL?: string;
  GOOGLE_BASE_URL?: string;
  /** Secrets: deployment-wide provider keys, used when a request brings none. */
  FAL_KEY?: string;
  FAL_API_KEY?: string;
  REPLICATE_API_TOKEN?: string;
  HIGGSFIELD_API_KEY?: string;
  HIGGSFIELD_SECRET?: string;
  ELEVENLABS_API_KEY?: string;
  OPENAI_API_KEY?: string;
  GOOGLE_API_KEY?: string;
  GEMINI_API_KEY?: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: { accountId: string; apiKeyId: string };
};
