// The Worker as the workerd tests run it: the real app and Durable Objects, but queue
// deliveries are acknowledged untouched, so tests drive render steps themselves (the real
// consumer is exercised in queue.test.ts, and whole renders in test/e2e with a browser).
import worker from "../../src/index.ts";
import type { Env } from "../../src/env.ts";

export { RenderJob, RateLimiter, Encoder, BrowserPool } from "../../src/index.ts";

export default {
  fetch: worker.fetch,
  async queue(batch) {
    batch.ackAll();
  },
} satisfies ExportedHandler<Env>;
