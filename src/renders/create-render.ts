// Creating a render, for any dialect: take a concurrency slot, write the D1 row, initialise the
// RenderJob, queue the first step. If any step fails, the earlier ones are undone, so a failed
// creation leaves nothing behind.
import { eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { db } from "../db/client.ts";
import { renders, type RenderRow } from "../db/schema.ts";
import { DomainError } from "../core/errors.ts";
import { rateLimiter, renderJob } from "../jobs/job-stub.ts";
import type { JsonValue, RenderSpec } from "../jobs/render-state.ts";

/** What a dialect asks for: the render's spec (see RenderSpec) in its own terms, plus what the
 *  D1 row and the concurrency slot need. */
export interface NewRender
  extends Pick<
    RenderSpec,
    | "dialect"
    | "accountId"
    | "assetId"
    | "entry"
    | "fps"
    | "quality"
    | "format"
    | "resolution"
    | "aspectRatio"
    | "output"
    | "prepare"
    | "origin"
    | "callbackUrl"
  > {
  /** Chosen by the dialect (its id format). */
  id: string;
  variables: Record<string, JsonValue>;
  title: string | null;
  callbackId: string | null;
  /** The concurrency limit to hold a slot under, and its scope (RateLimiter name). */
  slots: { scope: string; max: number };
  /** Sealed secrets for the prepare phase (see RenderJob.create); never stored in D1. */
  secrets?: string;
}

export async function createRender(env: Env, input: NewRender): Promise<RenderRow> {
  // A concurrent-render slot is taken last, before anything is written; every end of the
  // render (completed, failed, deleted, timed out) gives it back (see RenderJob).
  const limiter = rateLimiter(env, input.slots.scope);
  if (!(await limiter.acquireSlot(input.id, input.slots.max))) {
    throw new DomainError(
      "rate_limited",
      "rate_limit_exceeded",
      `${input.slots.max} renders are already running for this account; retry when one finishes`,
      undefined,
      { "Retry-After": "10" },
    );
  }

  const row: RenderRow = {
    id: input.id,
    accountId: input.accountId,
    assetId: input.assetId,
    dialect: input.dialect,
    status: "queued",
    outputKind: input.output,
    title: input.title,
    callbackId: input.callbackId,
    callbackUrl: input.callbackUrl,
    composition: input.entry,
    fps: input.fps,
    quality: input.quality,
    format: input.format,
    resolution: input.resolution,
    aspectRatio: input.aspectRatio,
    variables: input.variables,
    width: null,
    height: null,
    duration: null,
    frameCount: null,
    progress: 0,
    outputKey: null,
    thumbnailKey: null,
    outputBytes: null,
    failureMessage: null,
    failureCategory: null,
    files: null,
    warnings: [],
    createdAt: Date.now(),
    startedAt: null,
    completedAt: null,
    deletedAt: null,
  };
  const spec: RenderSpec = {
    renderId: row.id,
    accountId: input.accountId,
    dialect: input.dialect,
    slotScope: input.slots.scope,
    prepare: input.prepare,
    output: input.output,
    assetId: input.assetId,
    entry: input.entry,
    fps: input.fps,
    quality: input.quality,
    format: input.format,
    resolution: input.resolution,
    aspectRatio: input.aspectRatio,
    variablesJson: JSON.stringify(input.variables),
    origin: input.origin,
    callbackUrl: input.callbackUrl,
  };

  try {
    await db(env.DB).insert(renders).values(row);
    await renderJob(env, row.id).create(spec, input.secrets);
    try {
      await env.RENDER_QUEUE.send({ kind: input.prepare ? "prepare" : "plan", renderId: row.id });
    } catch (err) {
      console.error(`render ${row.id}: could not be queued`, err);
      throw new DomainError("unavailable", "enqueue_failed", "Failed to enqueue render job");
    }
  } catch (err) {
    await renderJob(env, row.id).discard().catch(() => {});
    await db(env.DB).delete(renders).where(eq(renders.id, row.id));
    await limiter.releaseSlot(input.id);
    throw err;
  }
  return row;
}
