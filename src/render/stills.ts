// Stills instead of a video (e.g. varg's frames output): the plan step's browser session seeks
// to each requested time and stores one PNG per time in R2; no chunks, no encoder.
import type { Env } from "../env.ts";
import type { renderJob } from "../jobs/job-stub.ts";
import type { OutputFile } from "../jobs/render-state.ts";
import { r2Keys } from "../assets/layout.ts";
import type { CompositionSession } from "./browser-session.ts";

export async function captureStills(
  env: Env,
  renderId: string,
  session: CompositionSession,
  times: number[],
  job: ReturnType<typeof renderJob>,
  duration: number,
): Promise<void> {
  const files: OutputFile[] = [];
  let bytes = 0;
  for (const [index, time] of times.entries()) {
    await session.seek(time);
    const image = await session.screenshot({ format: "png" });
    const key = r2Keys.still(renderId, index);
    bytes += image.length;
    await env.BUCKET.put(key, image, { httpMetadata: { contentType: "image/png" } });
    files.push({ key, mediaType: "image/png", metadata: { type: "frame", clipIndex: index, time } });
  }
  const completed = await job.complete({
    key: files[0]!.key,
    thumbnailKey: files[0]!.key,
    files,
    bytes,
    frameCount: files.length,
    duration,
  });
  // Deleted while the stills were taken: they are nobody's.
  if (!completed) await job.discardFilesIfFailed();
}
