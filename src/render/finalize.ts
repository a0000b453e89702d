// Phase 3 — finalize: stream-copy the segments into one file (no re-encode), store it, and
// mark the render completed. Segments are deleted once the output is safely stored.
import type { Env } from "../env.ts";
import { renderJob } from "../jobs/job-stub.ts";
import { isTerminal, type RenderPlan, type RenderSpec } from "../jobs/render-state.ts";
import { r2Keys } from "../assets/layout.ts";
import { finalizeSegments } from "../encoder/client.ts";
import { lengthPrefixedObjects, putResponseBody } from "./r2-stream.ts";
import { thumbnailOptions } from "./capture-settings.ts";
import { watchRender, type RenderWatch } from "./cancellation.ts";

const CONTENT_TYPES = { mp4: "video/mp4", webm: "video/webm", mov: "video/quicktime" } as const;

export async function finalizeRender(env: Env, renderId: string): Promise<void> {
  const job = renderJob(env, renderId);
  const { spec, plan, status } = await job.snapshot();
  if (isTerminal(status) || !plan) return;
  if (!(await job.claimStep("finalize"))) return; // another delivery is stitching it now
  // Deleted meanwhile: stop waiting for the encoder, keep nothing.
  const watch = watchRender(() => job.isOver());
  try {
    await stitch(env, renderId, spec, plan, watch);
  } catch (err) {
    if (!watch.signal.aborted) throw err;
    await job.discardFilesIfFailed();
  } finally {
    watch.stop();
  }
}

async function stitch(env: Env, renderId: string, spec: RenderSpec, plan: RenderPlan, watch: RenderWatch): Promise<void> {
  const job = renderJob(env, renderId);
  const segmentKeys = plan.chunks.map((c) => {
    if (!c.segmentKey) throw new Error(`chunk ${c.index} has no segment yet`);
    return c.segmentKey;
  });

  // Each audio file is sent once, however many tracks play it.
  const audio = plan.audio ?? [];
  const sourcePaths = [...new Set(audio.map((t) => t.path))];
  const mix = audio.map(({ path, ...track }) => ({ ...track, source: sourcePaths.indexOf(path) }));
  const res = await watch.race(
    finalizeSegments(
      env,
      0,
      { format: spec.format, fps: spec.fps, frames: plan.frameCount, segments: segmentKeys.length },
      mix,
      lengthPrefixedObjects(env.BUCKET, [...segmentKeys, ...sourcePaths.map((p) => r2Keys.assetFile(spec.assetId, p))]),
    ),
  );
  for (const index of (res.headers.get("x-audio-silent-sources") ?? "").split(",").filter(Boolean)) {
    await job.addWarning(`audio not mixed: ${sourcePaths[Number(index)]} has no audio stream`);
  }
  const outputKey = r2Keys.output(renderId, spec.format);
  const stored = await putResponseBody(env.BUCKET, outputKey, res, CONTENT_TYPES[spec.format]);
  const thumbnailKey = r2Keys.thumbnail(renderId, thumbnailOptions(spec).format);
  const hasThumbnail = (await env.BUCKET.head(thumbnailKey)) !== null;
  const completed = await job.complete({
    key: outputKey,
    thumbnailKey: hasThumbnail ? thumbnailKey : null,
    bytes: stored.size,
    frameCount: Number(res.headers.get("x-frame-count") ?? plan.frameCount),
    duration: Number(res.headers.get("x-duration") ?? plan.duration),
  });
  // Failed while the output was being stored: it is nobody's.
  if (!completed) return job.discardFilesIfFailed();
  await env.BUCKET.delete(segmentKeys);
}
