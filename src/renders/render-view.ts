// The neutral view of a render that every dialect presents in its own words: the D1 row, with
// live progress from the RenderJob while it runs, and short-lived signed URLs once it is done.
import type { Env } from "../env.ts";
import type { RenderRow } from "../db/schema.ts";
import { signedFileUrl } from "../api/files.ts";
import { renderJob } from "../jobs/job-stub.ts";
import { isTerminal, type OutputFile, type RenderStatus } from "../jobs/render-state.ts";

export interface RenderView {
  row: RenderRow;
  status: RenderStatus;
  progress: number;
  etaSeconds: number | null;
  /** Signed, expiring download URLs; null until completed. */
  outputUrl: string | null;
  thumbnailUrl: string | null;
  files: Array<{ url: string; mediaType: string; metadata: OutputFile["metadata"] }>;
  /** AI generation progress while the render is live (null when none or not live). */
  generation: { done: number; total: number } | null;
  planned: boolean;
}

export async function renderView(env: Env, row: RenderRow, origin: string, live = true): Promise<RenderView> {
  let status = row.status as RenderStatus;
  let progress = row.progress;
  let eta: number | null = null;
  let generation: RenderView["generation"] = null;
  let planned = row.frameCount !== null;
  if (live && !isTerminal(status)) {
    const snapshot = await renderJob(env, row.id).snapshot();
    // A terminal status is only reported once the D1 row has it too (with its output URL).
    if (!isTerminal(snapshot.status)) status = snapshot.status;
    progress = snapshot.progress;
    eta = snapshot.etaSeconds;
    generation = snapshot.generation ?? null;
    planned = snapshot.plan !== null;
  }
  const completed = row.status === "completed" && row.outputKey !== null;
  return {
    row,
    status,
    progress,
    etaSeconds: eta,
    generation,
    planned,
    outputUrl: completed ? await signedFileUrl(env, origin, row.outputKey!) : null,
    thumbnailUrl: completed && row.thumbnailKey ? await signedFileUrl(env, origin, row.thumbnailKey) : null,
    files: completed
      ? await Promise.all(
          (row.files ?? []).map(async (f) => ({ url: await signedFileUrl(env, origin, f.key), mediaType: f.mediaType, metadata: f.metadata })),
        )
      : [],
  };
}
