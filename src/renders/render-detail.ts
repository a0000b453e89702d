// The public view of a render: the D1 row, with live progress from the RenderJob while it
// runs, and short-lived signed URLs once it is done.
import type { Env } from "../env.ts";
import type { RenderRow } from "../db/schema.ts";
import type { RenderDetail } from "../api/schemas.ts";
import { signedFileUrl } from "../api/files.ts";
import { renderJob } from "../jobs/job-stub.ts";
import { isTerminal, type AspectRatio, type OutputFormat, type Quality, type Resolution, type RenderStatus } from "../jobs/render-state.ts";

// The HyperFrames dialect (and its CLI) uses unix seconds for timestamps.
const unixSeconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

export async function renderDetail(env: Env, row: RenderRow, origin: string, live = true): Promise<RenderDetail> {
  let status = row.status as RenderStatus;
  let progress = row.progress;
  let eta: number | null = null;
  if (live && !isTerminal(status)) {
    const snapshot = await renderJob(env, row.id).snapshot();
    // A terminal status is only reported once the D1 row has it too (with its output URL).
    if (!isTerminal(snapshot.status)) status = snapshot.status;
    progress = snapshot.progress;
    eta = snapshot.etaSeconds;
  }
  const completed = row.status === "completed" && row.outputKey;
  return {
    render_id: row.id,
    status,
    title: row.title,
    callback_id: row.callbackId,
    video_url: completed ? await signedFileUrl(env, origin, row.outputKey!) : null,
    thumbnail_url: completed && row.thumbnailKey ? await signedFileUrl(env, origin, row.thumbnailKey) : null,
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
    progress,
    eta_seconds: eta,
    created_at: unixSeconds(row.createdAt)!,
    completed_at: unixSeconds(row.completedAt),
    failure_message: row.failureMessage,
    warnings: row.warnings ?? [],
  };
}
