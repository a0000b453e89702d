// Webhook delivery: one POST per queue message, signed, recorded, and on failure scheduled
// again through the queue with exponential backoff until WEBHOOK_MAX_ATTEMPTS.
import { eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { renders, webhookAttempts } from "../db/schema.ts";
import { newId } from "../lib/ids.ts";
import { checkOutboundUrl } from "../lib/url-safety.ts";
import { WebhookMessageSchema } from "../jobs/messages.ts";
import type { RenderRow } from "../db/schema.ts";
import { signWebhook } from "./signing.ts";
import { webhookSecret } from "./secret.ts";

const TIMEOUT_MS = 10_000;

/** A dialect's webhook: the event name and the JSON body its receivers expect. */
export type WebhookPayload = (env: Env, row: RenderRow, origin: string) => Promise<{ event: string; body: string }>;

/** Seconds before attempt n+1: base, 2×base, 4×base… capped at an hour. */
export function backoffSeconds(attempt: number, base: number): number {
  return Math.min(3600, base * 2 ** (attempt - 1));
}

async function deliver(env: Env, renderId: string, attempt: number, payloads: Record<string, WebhookPayload>): Promise<void> {
  const database = db(env.DB);
  const row = await database.select().from(renders).where(eq(renders.id, renderId)).get();
  if (!row?.callbackUrl || (row.status !== "completed" && row.status !== "failed")) return;
  const payload = payloads[row.dialect];
  if (!payload) return;
  const config = configFrom(env);
  // The origin for signed URLs in the payload: the one the render was created through.
  const origin = config.publicOrigin ?? (await originOf(env, renderId));
  const { event, body } = await payload(env, row, origin);
  // One id per event, the same on every retry, so receivers can de-duplicate.
  const id = `msg_${renderId}_${row.status}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = await signWebhook(await webhookSecret(env, row.accountId), id, timestamp, body);

  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  const check = checkOutboundUrl(row.callbackUrl, config.allowLocalUrls);
  if (!check.ok) {
    error = `callback_url ${check.reason}`;
  } else {
    try {
      const res = await fetch(check.url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          "content-type": "application/json",
          "user-agent": "reelflare-webhooks",
          "webhook-id": id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signature,
        },
        body,
      });
      statusCode = res.status;
      await res.body?.cancel();
      if (!res.ok) error = `receiver answered HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : (err as Error).message;
    }
  }
  await database.insert(webhookAttempts).values({
    id: newId.webhookAttempt(),
    renderId,
    accountId: row.accountId,
    attempt,
    url: row.callbackUrl,
    event,
    statusCode,
    error,
    durationMs: Date.now() - started,
    createdAt: Date.now(),
  });
  if (error && attempt < config.webhookMaxAttempts && check.ok) {
    await env.WEBHOOK_QUEUE.send(
      { renderId, attempt: attempt + 1 },
      { delaySeconds: backoffSeconds(attempt, config.webhookRetryBaseSeconds) },
    );
  }
}

async function originOf(env: Env, renderId: string): Promise<string> {
  const { spec } = await env.RENDER_JOB.get(env.RENDER_JOB.idFromName(renderId)).snapshot();
  return spec.origin;
}

export async function handleWebhookBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  payloads: Record<string, WebhookPayload>,
): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = WebhookMessageSchema.safeParse(message.body);
      try {
        if (parsed.success) await deliver(env, parsed.data.renderId, parsed.data.attempt, payloads);
        message.ack();
      } catch (err) {
        // Our own storage failed, not the receiver: let the queue redeliver.
        console.error("webhook delivery could not run", err);
        message.retry({ delaySeconds: 5 });
      }
    }),
  );
}
