// Phase 1 — plan: load the composition once, read its size and duration, split the frames
// into chunks and fan out one capture message per chunk.
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { renderJob } from "../jobs/job-stub.ts";
import type { RenderPlan } from "../jobs/render-state.ts";
import { CompositionError, CompositionSession } from "./browser-session.ts";
import { planAudio } from "./audio-plan.ts";
import { captureStills } from "./stills.ts";
import { frameCountFor } from "./chunks.ts";
import { plannedChunks, profileFor } from "./chunk-count.ts";
import { recordSessionWarnings, scaleFor, sessionOptionsFor } from "./capture-settings.ts";
import { inStep } from "./composition-error.ts";
import { captureChunk } from "./capture.ts";
import { limitProblem } from "../renders/render-limits.ts";
import { watchRender } from "./cancellation.ts";
import { BrowserSupply } from "./browser-supply.ts";

const DEFAULT_SIZE = { width: 1920, height: 1080 };

export async function planRender(env: Env, renderId: string): Promise<void> {
  const job = renderJob(env, renderId);
  if (!(await job.beginPlanning())) return;
  // A duplicate delivery while another runs it has nothing to do (after it, it re-sends captures).
  if (!(await job.claimStep("plan"))) return;
  const { spec, plan: existing, stills } = await job.snapshot();
  const config = configFrom(env);

  let plan = existing;
  /** The planning browser, kept open to capture the first chunk when the page already has the
   *  plan's size: one browser launch and page load fewer per render. */
  let warm: CompositionSession | null = null;
  /** The planning browser, closed or kept warm once the captures are on their way. */
  let release: (() => Promise<void>) | null = null;
  if (!plan) {
    const options = await sessionOptionsFor(config, spec, { ...DEFAULT_SIZE, deviceScaleFactor: 1 });
    const browsers = BrowserSupply.of(env);
    const session = await CompositionSession.open(browsers, options).catch(inStep("planning"));
    let handedOver = false;
    /** Whether the step ended well: only then is the browser kept warm. */
    let planned = false;
    try {
      // Deleted meanwhile: the browser closes at once and the step stops.
      let closing: Promise<void> | null = null;
      const closeSession = () => (closing ??= session.close());
      const watch = watchRender(() => job.isOver());
      watch.signal.addEventListener("abort", () => void closeSession());
      let probe;
      try {
        probe = await session.probe().catch(inStep("planning"));
        if (spec.output === "stills" && !probe.errors.length && probe.hasRoot) {
          // Stills are taken here, with the page that is already open, at the composition's size.
          const times = stills ?? [0];
          const tooBig = limitProblem(config, { width: probe.width, height: probe.height, scale: 1, durationSeconds: null, fps: spec.fps });
          if (tooBig) throw new CompositionError(`composition: ${tooBig.message}`);
          await session.resize(probe.width ?? DEFAULT_SIZE.width, probe.height ?? DEFAULT_SIZE.height);
          await captureStills(env, renderId, session, times, job, probe.duration ?? 0).catch(inStep("taking stills"));
          planned = true;
          return;
        }
      } catch (err) {
        if (!watch.signal.aborted) throw err;
        return job.discardFilesIfFailed();
      } finally {
        watch.stop();
        if (watch.signal.aborted) await closeSession();
      }
      if (watch.signal.aborted) return;
      await recordSessionWarnings(job, session);
      if (probe.errors.length) {
        throw new CompositionError(`composition page threw an error while loading: ${probe.errors[0]}`);
      }
      if (!probe.hasRoot) {
        throw new CompositionError(`${spec.entry} has no root element with a data-composition-id attribute`);
      }
      if (probe.duration === null) {
        throw new CompositionError(
          "composition never declares a duration: set data-duration on the root element or register a GSAP timeline in window.__timelines",
        );
      }
      // Sizes set by script and durations only the timelines know are first seen here.
      const over = limitProblem(config, {
        width: probe.width ?? DEFAULT_SIZE.width,
        height: probe.height ?? DEFAULT_SIZE.height,
        scale: scaleFor(spec.resolution),
        durationSeconds: probe.duration,
        fps: spec.fps,
      });
      if (over) throw new CompositionError(`composition: ${over.message}`);
      const frameCount = frameCountFor(probe.duration, spec.fps);
      const { audio, warnings } = planAudio(options.url, probe.audio);
      for (const warning of [...probe.warnings, ...warnings]) await job.addWarning(warning);
      const draft: RenderPlan = {
        duration: frameCount / spec.fps,
        frameCount,
        width: probe.width ?? DEFAULT_SIZE.width,
        height: probe.height ?? DEFAULT_SIZE.height,
        scale: scaleFor(spec.resolution),
        chunks: plannedChunks(
          config,
          renderId,
          frameCount,
          (probe.width ?? DEFAULT_SIZE.width) * (probe.height ?? DEFAULT_SIZE.height) * scaleFor(spec.resolution) ** 2,
          await browsers.idleBrowsers(),
        ),
        audio,
      };
      plan = await job.recordPlan(draft);
      planned = true;
      // Loaded at the default size: reusable when the plan keeps it (a page laid out at one size
      // and resized may differ from one loaded at the other). Locally, with more than one chunk,
      // the other chunks would wait for it: Miniflare's queue runs one batch at a time, and this
      // step is a batch; Cloudflare runs consumers side by side.
      const othersWait = plan.chunks.length > 1 && profileFor(config).name === "local";
      if (plan.width === DEFAULT_SIZE.width && plan.height === DEFAULT_SIZE.height && plan.scale === 1 && !othersWait) {
        warm = session;
        handedOver = true;
      }
    } finally {
      // Planned, the browser is kept warm, after the captures are sent rather than before.
      if (!handedOver && plan) release = () => session.close(true);
      else if (!handedOver) await session.close(planned);
    }
  }
  // Re-sending on a duplicate plan delivery is harmless: capture skips chunks already done.
  const captures = plan.chunks.filter((c) => c.status !== "done" && !(warm && c.index === 0));
  try {
    if (captures.length) {
      await env.RENDER_QUEUE.sendBatch(captures.map((c) => ({ body: { kind: "capture" as const, renderId, chunkIndex: c.index } })));
    }
  } finally {
    await release?.();
  }
  if (warm) await captureFirstChunk(env, renderId, warm);
}

/** The first chunk, with the planning browser; if the browser or encoder fails it becomes an
 *  ordinary capture message (retried like any capture). */
async function captureFirstChunk(env: Env, renderId: string, session: CompositionSession): Promise<void> {
  try {
    await captureChunk(env, renderId, 0, session);
  } catch (err) {
    if (err instanceof CompositionError) throw err; // the composition's own fault: no retry
    console.log(`render ${renderId}: chunk 0 with the planning browser failed (${err instanceof Error ? err.message : err}); queued`);
    await renderJob(env, renderId).chunkFailed(0, err instanceof Error ? err.message : String(err));
    await env.RENDER_QUEUE.send({ kind: "capture", renderId, chunkIndex: 0 });
  }
}
