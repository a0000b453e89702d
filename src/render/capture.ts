// Phase 2 — capture one chunk: a browser seeks the page frame by frame and each screenshot is
// streamed straight into the encoder, which answers with a closed-GOP segment stored in R2.
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { renderJob } from "../jobs/job-stub.ts";
import { r2Keys } from "../assets/layout.ts";
import { encodeSegment } from "../encoder/client.ts";
import { CompositionSession } from "./browser-session.ts";
import { CompositionError, inStep } from "./composition-error.ts";
import { RenderFailure } from "../core/errors.ts";
import { recordSessionWarnings, screenshotOptions, sessionOptionsFor, thumbnailOptions } from "./capture-settings.ts";
import { putResponseBody } from "./r2-stream.ts";
import { thumbnailFrame } from "./chunks.ts";
import { watchRender } from "./cancellation.ts";
import { captureInLanes } from "./frame-lanes.ts";
import { BrowserSupply } from "./browser-supply.ts";

/** The page or browser failed on a frame (as opposed to the encoder). */
class FrameError extends Error {}

/** A frame's failure, named by chunk, frame and time. The composition's own fault fails the
 *  render at once (the consumer names no step for it); anything else is retried. */
function frameFailure(chunkIndex: number, frame: number, fps: number, err: Error): Error {
  const where = `frame ${frame} (${(frame / fps).toFixed(2)} s)`;
  return err instanceof RenderFailure
    ? new CompositionError(`capturing chunk ${chunkIndex}, ${where}: ${err.message}`, err.category)
    : new FrameError(`${where}: ${err.message}`);
}

/** A chunk this long gets a second page (config capturePages): loading one costs about what
 *  a second of capture saves. */
const SECOND_PAGE_MIN_FRAMES = 60;
/** How far one page may run ahead of the oldest frame not yet written to the encoder. */
const MAX_FRAMES_AHEAD = 8;

/** Report progress to the RenderJob at most this often. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * Captures one chunk. `warm` is a session the caller already has open on this render's page at
 * the plan's size (the plan step's own, for the first chunk): no second browser launch and
 * page load. It is closed here in any case.
 */
export async function captureChunk(env: Env, renderId: string, chunkIndex: number, warm?: CompositionSession): Promise<void> {
  const job = renderJob(env, renderId);
  const claim = await job.beginChunk(chunkIndex);
  if (!claim) {
    await warm?.close();
    return; // already done (duplicate delivery) or the render is over
  }
  const { chunk, plan, spec } = claim;
  const config = configFrom(env);
  const shot = screenshotOptions(spec, config.captureFormat);
  const thumbShot = thumbnailOptions(spec);
  const thumbnail = thumbnailFrame(plan.frameCount, spec.fps);

  const opening = Date.now();
  const session =
    warm ??
    (await CompositionSession.open(
      BrowserSupply.of(env),
      await sessionOptionsFor(config, spec, { width: plan.width, height: plan.height, deviceScaleFactor: plan.scale }),
    ).catch(inStep(`capturing chunk ${chunkIndex}`)));
  // A second page in the same browser captures alongside the first (./frame-lanes.ts), for
  // chunks long enough to repay loading it; it loads while the first page captures.
  const pages = chunk.endFrame - chunk.startFrame >= SECOND_PAGE_MIN_FRAMES ? config.capturePages : 1;
  const siblings = Array.from({ length: pages - 1 }, () => session.openSibling());
  // The render may end meanwhile (deleted, failed elsewhere): the browser is then closed at
  // once and the frame stream ended, so the encoder's FFmpeg stops at the frames it has.
  let closing: Promise<void> | null = null;
  // Stopped early, the browser goes first: a second page still loading then fails to open, and
  // is not waited for. Done, every page is closed and the browser kept warm for the next step.
  const closeSession = (done = false) =>
    (closing ??= done
      ? Promise.all(siblings).then(async (opened) => {
          for (const sibling of opened) await sibling?.close();
          await session.close(true);
        })
      : session.close().then(async () => {
          for (const sibling of siblings) await (await sibling)?.close();
        }));
  const watch = watchRender(() => job.isOver());
  watch.signal.addEventListener("abort", () => void closeSession());
  try {
    const frames = new TransformStream<Uint8Array, Uint8Array>();
    const encoded = encodeSegment(
      env,
      chunkIndex,
      {
        fps: spec.fps,
        quality: spec.quality,
        format: spec.format,
        width: plan.width * plan.scale,
        height: plan.height * plan.scale,
        frames: chunk.endFrame - chunk.startFrame,
        input: shot.format,
      },
      frames.readable,
    );
    // If the encoder fails mid-stream, stop capturing at once instead of blocking on writes.
    const encoderGaveUp = encoded.then(() => {
      throw new Error("encoder answered before all frames were sent");
    });
    encoderGaveUp.catch(() => {});

    const writer = frames.writable.getWriter();
    // Ended, not errored: an errored body surfaces as uncaught errors in the runtime's pipes.
    watch.signal.addEventListener("abort", () => void writer.close().catch(() => {}));
    // The compositor's own frames where they are sure to be the pose's (./screencast.ts), from
    // a page's second frame: the first is a screenshot, while the page may still be settling
    // after its load, and the screencast starts from that pose.
    const screencast = config.captureScreencast && shot.format === "jpeg" && plan.scale === 1;
    const timing = { screencast, warm: Boolean(warm), pooled: session.pooledBrowser, openMs: Date.now() - opening, seekMs: 0, shotMs: 0, writeMs: 0, captured: 0, started: Date.now() };
    let lastReport = Date.now();
    const first = { session, previous: null as Uint8Array | null, posed: false };
    type Lane = typeof first;
    const lanes: Lane[] = [first];
    try {
      const joined = siblings.map((sibling) =>
        sibling.then((s) => {
          if (s === null) return null;
          const lane: Lane = { session: s, previous: null, posed: false };
          lanes.push(lane);
          return lane;
        }),
      );
      await captureInLanes(first, joined, {
        first: chunk.startFrame,
        end: chunk.endFrame,
        maxAhead: MAX_FRAMES_AHEAD,
        capture: async (lane, frame) => {
          const failed = (err: Error) => {
            throw frameFailure(chunkIndex, frame, spec.fps, err);
          };
          let t = Date.now();
          const pose = await lane.session.seek(frame / spec.fps).catch(failed);
          timing.seekMs += Date.now() - t;
          t = Date.now();
          // A pose that cannot differ from this page's last one (a held title) reuses its image.
          const image: Uint8Array = pose === "same" && lane.previous ? lane.previous : await lane.session.capture(shot, pose).catch(failed);
          if (screencast && !lane.posed) await lane.session.useScreencast(shot.quality ?? 95, { width: plan.width, height: plan.height });
          lane.posed = true;
          if (image !== lane.previous) timing.captured++;
          lane.previous = image;
          timing.shotMs += Date.now() - t;
          if (frame === thumbnail) {
            // The thumbnail is the captured frame when that is already its format, else one more shot.
            const thumb = shot.format === thumbShot.format ? image : await lane.session.screenshot(thumbShot).catch(failed);
            await env.BUCKET.put(r2Keys.thumbnail(renderId, thumbShot.format), thumb, {
              httpMetadata: { contentType: `image/${thumbShot.format}` },
            });
          }
          return image;
        },
        write: async (frame, image) => {
          const t = Date.now();
          await Promise.race([writer.write(image), encoderGaveUp]);
          timing.writeMs += Date.now() - t;
          if (Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
            lastReport = Date.now();
            await job.chunkProgress(chunkIndex, frame - chunk.startFrame + 1);
          }
        },
      });
      await writer.close();
    } catch (err) {
      if (!watch.signal.aborted) await writer.abort(err).catch(() => {});
      if (err instanceof FrameError || err instanceof CompositionError) {
        // The page failed: the encoder only saw a short body, which explains nothing.
        encoded.catch(() => {});
      } else {
        // A write failed or the encoder gave up: prefer the encoder's own explanation.
        await Promise.race([encoded, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      }
      throw err;
    }

    // Every frame is taken: the browser goes now, not after the encoder's tail (browser time is
    // what Browser Rendering bills, and a finished render must leave no browser behind) — closed,
    // or readied for the next step and kept warm, while the encoder finishes and the segment is
    // stored; the step ends once it has gone (finally, below).
    await recordSessionWarnings(job, session);
    void closeSession(!watch.signal.aborted);
    const segment = await encoded;
    logChunkTiming(renderId, chunkIndex, chunk.endFrame - chunk.startFrame, {
      ...timing,
      pages: lanes.length,
      screencastFrames: lanes.reduce((n, l) => n + l.session.screencastFrames, 0),
      screencastLapses: lanes.flatMap((l) => l.session.screencastLapses),
      screencastStopped: lanes.map((l) => l.session.screencastStopped).find((r) => r !== null) ?? null,
    });
    const segmentKey = r2Keys.segment(renderId, chunkIndex);
    await putResponseBody(env.BUCKET, segmentKey, segment, segment.headers.get("content-type") ?? "application/octet-stream");
    const { dispatchFinalize } = await job.completeChunk(chunkIndex, segmentKey);
    if (dispatchFinalize) await env.RENDER_QUEUE.send({ kind: "finalize", renderId });
    // Failed while the segment was being stored: it is nobody's.
    else await job.discardFilesIfFailed();
  } catch (err) {
    if (!watch.signal.aborted) throw err;
    // Nobody wants this chunk any more: nothing to retry, nothing to keep.
    console.log(`render ${renderId}: chunk ${chunkIndex} stopped, the render is over`);
    await job.discardFilesIfFailed();
  } finally {
    watch.stop();
    await closeSession();
  }
}

/** One line per chunk, so capture speed can be read from the logs (and by `npm run bench`). */
function logChunkTiming(
  renderId: string,
  chunkIndex: number,
  frames: number,
  t: { screencast: boolean; pages: number; screencastFrames: number; screencastLapses: readonly string[]; screencastStopped: string | null; warm: boolean; pooled: boolean; openMs: number; seekMs: number; shotMs: number; writeMs: number; captured: number; started: number },
): void {
  const totalMs = Date.now() - t.started;
  const perFrame = (ms: number) => (ms / frames).toFixed(1);
  console.log(
    `[chunk-timing] ${JSON.stringify({ renderId, chunkIndex, frames, captured: t.captured, pages: t.pages, screencastFrames: t.screencastFrames, warm: t.warm, pooled: t.pooled, openMs: t.openMs, totalMs })} ` +
      `${t.warm ? "the planning browser, already open" : `${t.pooled ? "idle browser taken and page" : "browser and page"} ready in ${t.openMs} ms`}, then ${((frames * 1000) / totalMs).toFixed(1)} frames/s on ${t.pages} page(s); ` +
      `${t.captured} of ${frames} frames captured (${t.screencast ? `${t.screencastFrames} from the screencast${lapsesNote(t.screencastLapses)}${t.screencastStopped ? `, then screenshots: ${t.screencastStopped}` : ""}` : "screenshots"}); per frame: ` +
      `seek ${perFrame(t.seekMs)} ms, screenshot ${perFrame(t.shotMs)} ms (pages added up), encoder backpressure ${perFrame(t.writeMs)} ms`,
  );
}

/** ", 3 lapses (2× no frame for a pose, 1× two frames for a pose)" or nothing. */
function lapsesNote(lapses: readonly string[]): string {
  if (lapses.length === 0) return "";
  const counts = new Map<string, number>();
  for (const reason of lapses) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return `, ${lapses.length} lapse(s) taken as screenshots (${[...counts].map(([r, n]) => `${n}× ${r}`).join(", ")})`;
}
