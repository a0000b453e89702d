// Worker entry: HTTP via Hono, the render pipeline via Queues, and the Durable Object and
// Container classes the runtime instantiates. Here the dialects plug into the core: their
// webhook payloads and the source builders that turn their inputs into projects.
import type { Env } from "./env.ts";
import { app } from "./app.ts";
import { handleDeadLetters, handleRenderBatch } from "./jobs/consumer.ts";
import { handleWebhookBatch } from "./webhooks/deliver.ts";
import { webhookPayload } from "./dialects/hyperframes/presenter.ts";
import { DIALECT as HYPERFRAMES } from "./dialects/hyperframes/renders.ts";
import { sourceBuilders } from "./dialects/varg/index.ts";

export { RenderJob } from "./jobs/render-job.ts";
export { RateLimiter } from "./jobs/rate-limiter.ts";
export { BrowserPool } from "./jobs/browser-pool.ts";
export { Encoder } from "./encoder/container.ts";

const webhookPayloads = { [HYPERFRAMES]: webhookPayload };

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith("-dlq")) return handleDeadLetters(batch, env);
    if (batch.queue.endsWith("-webhooks")) return handleWebhookBatch(batch, env, webhookPayloads);
    return handleRenderBatch(batch, env, sourceBuilders);
  },
} satisfies ExportedHandler<Env>;
