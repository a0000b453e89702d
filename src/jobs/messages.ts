// Queue messages carry keys, never payloads (128 KB limit): the RenderJob DO holds the rest.
import { z } from "zod";

export const RenderMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("prepare"), renderId: z.string() }),
  z.object({ kind: z.literal("plan"), renderId: z.string() }),
  z.object({ kind: z.literal("capture"), renderId: z.string(), chunkIndex: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("finalize"), renderId: z.string() }),
]);

export type RenderMessage = z.infer<typeof RenderMessageSchema>;

export const WebhookMessageSchema = z.object({
  renderId: z.string(),
  /** 1-based delivery attempt. */
  attempt: z.number().int().positive(),
});

export type WebhookMessage = z.infer<typeof WebhookMessageSchema>;
