// Worker entry: HTTP via Hono, the render pipeline via Queues, and the Durable Object and
// Container classes the runtime instantiates.
import type { Env } from "./env.ts";
import { app } from "./app.ts";
import { handleDeadLetters, handleRenderBatch } from "./jobs/consumer.ts";
import { handleWebhookBatch } from "./webhooks/deliver.ts";

export { RenderJob } from "./jobs/render-job.ts";
export { RateLimiter } from "./jobs/rate-limiter.ts";
export { Encoder } from "./encoder/container.ts";

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith("-dlq")) return handleDeadLetters(batch, env);
    if (batch.queue.endsWith("-webhooks")) return handleWebhookBatch(batch, env);
    return handleRenderBatch(batch, env);
  },
} satisfies ExportedHandler<Env>;
