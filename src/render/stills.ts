// Stills instead of a video (e.g. varg's frames output): the plan step's browser session seeks
// to each requested time and stores one PNG per time in R2; no chunks, no encoder.
import type { Env } from "../env.ts";
import type { renderJob } from "../jobs/job-stub.ts";
import type { OutputFile } from "../jobs/render-state.ts";
import type { CompositionSession } from "./browser-session.ts";

export const stillKey = (renderId: string, index: number) => `renders/${renderId}/stills/${String(index).padStart(4, "0")}.png`;

export async function captureStills(
  env: Env,
  renderId: string,
  session: CompositionSession,
  times: number[],
  job: ReturnType<typeof renderJob>,
  plan: { width: number; height: number; duration: number },
): Promise<void> {
  const files: OutputFile[] = [];
  for (const [index, time] of times.entries()) {
    await session.seek(time);
    const image = await session.screenshot({ format: "png" });
    const key = stillKey(renderId, index);
    await env.BUCKET.put(key, image, { httpMetadata: { contentType: "image/png" } });
    files.push({ key, mediaType: "image/png", metadata: { type: "frame", clipIndex: index, time } });
  }
  await job.complete({
    key: files[0]!.key,
    thumbnailKey: files[0]!.key,
    files,
    bytes: 0,
    frameCount: files.length,
    duration: plan.duration,
  });
}
