// The varg wire shapes of a render: the job JSON (poll, SSE `status` events), the list item,
// and the submit answer's estimate.
import type { Env } from "../../env.ts";
import type { RenderRow } from "../../db/schema.ts";
import { renderView } from "../../renders/render-view.ts";
import type { RenderStatus } from "../../jobs/render-state.ts";
import type { Job } from "./schemas.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** Wall time of the render itself: from start to end. */
const durationMs = (row: RenderRow) => (row.completedAt !== null && row.startedAt !== null ? row.completedAt - row.startedAt : null);

/** varg has no separate "queued": a job is rendering until it ends. */
export function jobStatus(status: RenderStatus): Job["status"] {
  return status === "completed" || status === "failed" ? status : "rendering";
}

/** A rough wall-time estimate: start-up plus a per-frame cost measured on the local stack. */
export function estimatedDurationMs(frames: number | null): number {
  return Math.round(8_000 + (frames ?? 300) * 60);
}

export async function jobView(env: Env, row: RenderRow, origin: string, live = true): Promise<Job> {
  const view = await renderView(env, row, origin, live);
  const status = jobStatus(view.status);
  const job: Job = {
    job_id: row.id,
    status,
    progress: view.progress,
    output_url: view.outputUrl,
    thumbnail_url: view.thumbnailUrl,
    files: view.files.map(({ metadata, ...file }) => {
      const { clipIndex, ...rest } = metadata;
      return typeof clipIndex === "number" ? { ...file, metadata: rest, clipIndex } : { ...file, metadata };
    }),
    duration_ms: durationMs(row),
    estimated_duration_ms: estimatedDurationMs(row.frameCount),
    created_at: iso(row.createdAt)!,
    started_at: iso(row.startedAt),
    completed_at: iso(row.completedAt),
  };
  if (status === "rendering") Object.assign(job, stageOf(view.generation, view.planned));
  if (status === "failed") {
    job.error = row.failureMessage ?? "render failed";
    job.error_category = row.failureCategory ?? "internal";
  }
  return job;
}

/** What a running job is doing: generating its AI assets, or rendering the video. */
export function stageOf(generation: { done: number; total: number } | null, planned: boolean): Pick<Job, "stage" | "generation"> {
  const stage = !planned && generation && generation.total > 0 ? "generating" : "rendering";
  return generation && generation.total > 0 ? { stage, generation } : { stage };
}

export function listItem(row: RenderRow, outputUrl: string | null) {
  return {
    id: row.id,
    status: jobStatus(row.status as RenderStatus),
    outputUrl,
    durationMs: durationMs(row),
    createdAt: iso(row.createdAt),
    completedAt: iso(row.completedAt),
  };
}
