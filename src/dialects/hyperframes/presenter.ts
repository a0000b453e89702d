// The HyperFrames wire shape of a render (GET /v3/hyperframes/renders/{id}, listings,
// webhooks, SSE events).
import type { Env } from "../../env.ts";
import type { RenderRow } from "../../db/schema.ts";
import type { RenderEvent } from "../../jobs/render-events.ts";
import type { AspectRatio, OutputFormat, Quality, Resolution } from "../../jobs/render-state.ts";
import { renderView } from "../../renders/render-view.ts";
import type { RenderDetail } from "./schemas.ts";

// The HyperFrames dialect (and its CLI) uses unix seconds for timestamps.
const unixSeconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

export async function renderDetail(env: Env, row: RenderRow, origin: string, live = true): Promise<RenderDetail> {
  const view = await renderView(env, row, origin, live);
  return {
    render_id: row.id,
    status: view.status,
    title: row.title,
    callback_id: row.callbackId,
    video_url: view.outputUrl,
    thumbnail_url: view.thumbnailUrl,
    duration: row.duration,
    fps: row.fps,
    quality: row.quality as Quality,
    format: row.format as OutputFormat,
    resolution: row.resolution as Resolution,
    aspect_ratio: row.aspectRatio as AspectRatio | null,
    composition: row.composition,
    width: row.width,
    height: row.height,
    frame_count: row.frameCount,
    progress: view.progress,
    eta_seconds: view.etaSeconds,
    created_at: unixSeconds(row.createdAt)!,
    completed_at: unixSeconds(row.completedAt),
    failure_message: row.failureMessage,
    warnings: row.warnings ?? [],
  };
}

/** The data of an SSE `status`/`progress` event. */
export function eventData(event: RenderEvent) {
  return {
    render_id: event.renderId,
    status: event.status,
    progress: event.progress,
    eta_seconds: event.etaSeconds,
    frames_total: event.framesTotal,
    failure_message: event.failureMessage,
  };
}

/** The body of a `render.completed` / `render.failed` webhook. */
export async function webhookPayload(env: Env, row: RenderRow, origin: string): Promise<{ event: string; body: string }> {
  const event = `render.${row.status}`;
  return { event, body: JSON.stringify({ event, callback_id: row.callbackId, data: await renderDetail(env, row, origin, false) }) };
}
