// Cloudflare's published limits and prices that bound a deployed render, in one place.
// Every number names the page it was read from (all read 2026-11-30); a number the docs do
// not publish says so and gives the assumption used instead. When a page changes, change it
// here: the cost model (predict.ts), the chunk planner (choose.ts) and `npm run model` read
// nothing else.

/** Browser Rendering ("Browser Run"), Workers Paid, browser sessions via the Workers binding. */
export const BROWSER = {
  /** https://developers.cloudflare.com/browser-run/limits/ — "Concurrent browsers per account:
   *  120". (A copy of the same page served with another query string shows 200 and 3 new
   *  browsers a second; the lower pair is used until the canonical page shows the higher.) */
  concurrentPerAccount: 120,
  /** Same page — "New browser instances per second: 1". Rate limits there are enforced as a
   *  fill rate (no burst), so N browsers take about N seconds to launch. */
  newPerSecond: 1,
  /** Same page — a browser with no DevTools command for 60 s is closed (keep_alive up to 10 min). */
  idleTimeoutS: 60,
  /** NOT PUBLISHED: how long `puppeteer.launch` plus loading a composition page takes. Assumed
   *  3 s (locally Chromium starts in 1–2 s; a remote session adds a WebSocket handshake and
   *  the page's files come from R2 through the Worker). */
  startS: 3,
  /** https://developers.cloudflare.com/browser-run/features/reuse-sessions/ — browser.disconnect()
   *  keeps a browser alive and puppeteer.connect(binding, sessionId) takes it again: "eliminates
   *  cold-start time" (no launch, so no new browser against the launch rate).
   *  NOT PUBLISHED: how long that connect takes. Connecting (a WebSocket handshake) and loading
   *  the composition. Assumed 1 s: the page load of startS without Chromium's own start
   *  (locally the page of a pooled browser is ready in about 0.5 s). */
  reuseStartS: 1,
  /** https://developers.cloudflare.com/browser-rendering/pricing/ — $0.09 per browser hour
   *  beyond 10 hours a month included. */
  usdPerBrowserHour: 0.09,
  includedBrowserHoursPerMonth: 10,
  /** Same page — $2.00 per concurrent browser beyond 10 included, where concurrency is the
   *  monthly average of each day's peak: a render that sets a day's peak adds browsers × $2 / 30. */
  usdPerConcurrentBrowserMonth: 2.0,
  includedConcurrentBrowsers: 10,
} as const;

/** Containers (the FFmpeg encoder), Workers Paid. */
export const CONTAINERS = {
  /** https://developers.cloudflare.com/containers/platform/limits/ — instance types. The encoder
   *  runs `standard-4` (wrangler.toml `instance_type`): 4 vCPU, 12 GiB, 20 GB disk. */
  instance: { name: "standard-4", vcpu: 4, memoryGiB: 12, diskGB: 20 },
  /** Same page — account limits: 1,500 concurrent vCPU, 6 TiB memory. */
  accountConcurrentVcpu: 1500,
  /** https://developers.cloudflare.com/containers/pricing/ (read through two secondary copies
   *  that quote it; the page itself was not reachable here) — CPU billed on active use since
   *  2025-11-21: $0.000020 per vCPU-second; memory $0.0000025 per GiB-second and disk
   *  $0.00000007 per GB-second, billed on what is provisioned while the instance is awake. */
  usdPerVcpuS: 0.00002,
  usdPerGiBS: 0.0000025,
  usdPerDiskGBS: 0.00000007,
  /** NOT PUBLISHED as a number in the docs: Cloudflare's talks give 1–3 s for a cold start with
   *  a pre-fetched image. Assumed 3 s, paid once per render when the pool is asleep. */
  coldStartS: 3,
} as const;

/** Queues, push consumers. https://developers.cloudflare.com/queues/platform/limits/ */
export const QUEUES = {
  /** "Concurrent consumer invocations: 250 push-based only". */
  consumerConcurrency: 250,
  /** "Maximum consumer batch size: 100 messages" (wrangler.toml uses 4, delivered at once). */
  maxBatch: 100,
  /** "Consumer duration (wall clock time): 15 minutes" — one capture chunk must fit in it. */
  consumerWallS: 15 * 60,
  /** https://developers.cloudflare.com/queues/platform/pricing/ (read through a transcription
   *  of it) — $0.40 per million operations; a delivered message is a write, a read and a
   *  delete (3 operations per 64 KB). */
  usdPerMillionOps: 0.4,
  opsPerMessage: 3,
  /** NOT PUBLISHED: delivery latency of a message to a push consumer with max_batch_timeout 0.
   *  Assumed 0.5 s per hop (plan → capture → finalize). */
  hopS: 0.5,
} as const;

/** Workers, Paid. https://developers.cloudflare.com/workers/platform/limits/ */
export const WORKERS = {
  /** "CPU time: 5 min" (configurable with limits.cpu_ms; the default is 30 s, which this
   *  deployment keeps: wrangler.toml sets no cpu_ms). */
  cpuLimitDefaultS: 30,
  cpuLimitMaxS: 5 * 60,
  /** "Subrequests: 10,000/request" — a chunk makes a few per frame batch, far below it. */
  subrequests: 10_000,
  /** https://developers.cloudflare.com/workflows/reference/pricing/ ("identical to Workers
   *  Standard pricing") — $0.30 per million requests, $0.02 per million CPU milliseconds,
   *  beyond 10 million requests and 30 million CPU ms a month. */
  usdPerMillionRequests: 0.3,
  usdPerMillionCpuMs: 0.02,
  /** NOT PUBLISHED / NOT MEASURED: Worker CPU spent relaying one 1080p frame from the browser to
   *  the encoder (decode the screenshot, write it to the encoder stream). Assumed 2 ms. */
  relayCpuMsPerFrame: 2,
} as const;

/** R2, Standard storage. https://developers.cloudflare.com/r2/pricing/ */
export const R2 = {
  /** "Class A Operations: $4.50 / million requests" (put, multipart parts). */
  usdPerMillionClassA: 4.5,
  /** "Class B Operations: $0.36 / million requests" (get, head). */
  usdPerMillionClassB: 0.36,
  /** "Storage: $0.015 / GB-month"; egress is free. */
  usdPerGBMonth: 0.015,
} as const;

/** The service's own deployment choices that the model needs (kept in step by hand). */
export const DEPLOYMENT = {
  /** wrangler.toml BROWSER_WARM_S (its default, src/config.ts): seconds a browser stays open
   *  after its chunk for the next render to take. */
  browserWarmS: 60,
  /** src/encoder/client.ts POOL_SIZE: a render's chunks are spread over 4 named instances. */
  encoderPool: 4,
  /** Fraction of the consumer's 15 minutes a chunk may plan to use (retries, slow pages). */
  chunkWallShare: 0.8,
  /** x264's default rc-lookahead: frames the encoder still holds when the last one arrives. */
  encoderLookaheadFrames: 40,
  /** Composition files a browser fetches from R2 per page load (index, scripts, fonts); assumed. */
  filesPerPageLoad: 10,
} as const;
