// Queue consumer: runs one pipeline step per message. Steps are idempotent, so a redelivery
// is safe. A broken composition fails the render at once; anything else (a browser that
// crashed, an encoder that was not ready) is retried with backoff, then fails the render
// with a message naming the step and the cause.
import type { Env } from "../env.ts";
import { RenderMessageSchema, type RenderMessage } from "./messages.ts";
import { renderJob } from "./job-stub.ts";
import { RenderFailure } from "../core/errors.ts";
import { injectedFault } from "./fault-injection.ts";
import { planRender } from "../render/plan.ts";
import { prepareRender, type SourceBuilder } from "../render/prepare.ts";
import { captureChunk } from "../render/capture.ts";
import { finalizeRender } from "../render/finalize.ts";

/** How often a running prepare/plan/finalize step tells its RenderJob it is alive. */
const HEARTBEAT_MS = 15_000;

/** Attempts per step, counting the first; matches max_retries in wrangler.toml + 1. */
export const MAX_ATTEMPTS = 3;

function describeStep(msg: RenderMessage): string {
  switch (msg.kind) {
    case "capture":
      return `capturing chunk ${msg.chunkIndex}`;
    case "prepare":
      return "preparing the project";
    case "plan":
      return "planning";
    case "finalize":
      return "finalizing";
  }
}

async function runStep(env: Env, msg: RenderMessage, builders: Record<string, SourceBuilder>): Promise<void> {
  switch (msg.kind) {
    case "prepare":
      return prepareRender(env, msg.renderId, builders);
    case "plan":
      return planRender(env, msg.renderId);
    case "capture":
      return captureChunk(env, msg.renderId, msg.chunkIndex);
    case "finalize":
      return finalizeRender(env, msg.renderId);
  }
}

async function handleMessage(env: Env, message: Message<unknown>, builders: Record<string, SourceBuilder>): Promise<void> {
  const parsed = RenderMessageSchema.safeParse(message.body);
  if (!parsed.success) {
    console.error("dropping malformed render message", message.body);
    return message.ack();
  }
  const msg = parsed.data;
  const fault = injectedFault(env, msg);
  if (fault === "drop") {
    console.warn(`[fault] dropped ${msg.kind} of ${msg.renderId}`);
    return message.ack();
  }
  if (fault === "duplicate") {
    console.warn(`[fault] duplicated ${msg.kind} of ${msg.renderId}`);
    await env.RENDER_QUEUE.send(msg, { delaySeconds: 0 });
  }
  // Whole-render steps report nothing while they work: a heartbeat tells the watchdog they
  // live (captures report every frame batch themselves).
  const heartbeat = msg.kind === "capture" ? null : setInterval(() => void renderJob(env, msg.renderId).heartbeat(msg.kind).catch(() => {}), HEARTBEAT_MS);
  try {
    await runStep(env, msg, builders);
    message.ack();
  } catch (err) {
    if (msg.kind !== "capture") await renderJob(env, msg.renderId).releaseStep(msg.kind).catch(() => {});
    try {
      await recordFailure(env, message, msg, err);
    } catch (bookkeeping) {
      // The RenderJob could not be reached: let the queue deliver the step again.
      console.error(`render ${msg.renderId}: could not record a failure`, bookkeeping);
      message.retry({ delaySeconds: 2 ** message.attempts });
    }
  } finally {
    if (heartbeat) clearInterval(heartbeat);
  }
}

async function recordFailure(env: Env, message: Message<unknown>, msg: RenderMessage, err: unknown): Promise<void> {
  const cause = err instanceof Error ? err.message : String(err);
  const job = renderJob(env, msg.renderId);
  if (err instanceof RenderFailure) {
    await job.fail(cause, err.category);
    return message.ack();
  }
  console.error(`render ${msg.renderId}: ${describeStep(msg)} failed (attempt ${message.attempts})`, err);
  if (msg.kind === "capture") await job.chunkFailed(msg.chunkIndex, cause);
  if (message.attempts >= MAX_ATTEMPTS) {
    await job.fail(`${describeStep(msg)} failed after ${message.attempts} attempts: ${cause}`);
    return message.ack();
  }
  message.retry({ delaySeconds: 2 ** message.attempts });
}

/** `builders`: the source builders the dialects install (see src/index.ts). */
export async function handleRenderBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  builders: Record<string, SourceBuilder> = {},
): Promise<void> {
  await Promise.all(batch.messages.map((m) => handleMessage(env, m, builders)));
}

/** Messages that exhausted the queue's own retries (e.g. the consumer itself crashed). */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = RenderMessageSchema.safeParse(message.body);
    if (parsed.success) {
      await renderJob(env, parsed.data.renderId).fail(
        `${describeStep(parsed.data)} could not be completed: the step kept crashing`,
      );
    }
    message.ack();
  }
}
