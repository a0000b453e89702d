// How a render's settings translate into capture settings.
import type { OutputFormat, Quality, Resolution, RenderSpec } from "../jobs/render-state.ts";
import type { ScreenshotOptions, SessionOptions } from "./browser-session.ts";
import { compositionPageUrl } from "./capture-url.ts";

const JPEG_QUALITY: Record<Quality, number> = { draft: 80, standard: 95, high: 100 };

export type CaptureFormat = "auto" | "jpeg" | "webp";

/** Formats that carry alpha are captured over a transparent page background. */
export function hasAlpha(format: OutputFormat): boolean {
  return format !== "mp4";
}

/**
 * How frames are captured (why, with measurements: docs/colour.md and `npm run bench`):
 * - mp4: JPEG. Chromium's JPEG is full-range BT.601 YCbCr, which the encoder puts into the
 *   H.264 stream unconverted: every colour within one level of the authored sRGB, at a third of
 *   the capture CPU of a lossless image.
 * - webm and mov carry alpha: WebP at quality 100, which Chromium encodes losslessly with
 *   alpha (PNG costs as much CPU and is 15× larger to move through the Worker).
 * `CAPTURE_FORMAT` can force WebP for mp4 too (benchmarks compare the two).
 */
export function screenshotOptions(
  spec: Pick<RenderSpec, "format" | "quality">,
  captureFormat: CaptureFormat = "auto",
): ScreenshotOptions {
  const format = hasAlpha(spec.format) ? "webp" : captureFormat === "auto" ? "jpeg" : captureFormat;
  return format === "jpeg" ? { format, quality: JPEG_QUALITY[spec.quality] } : { format: "webp", quality: 100 };
}

/** The thumbnail is an image any client shows: JPEG, or PNG where the video has alpha. */
export function thumbnailOptions(spec: Pick<RenderSpec, "format" | "quality">): ScreenshotOptions & { format: "jpeg" | "png" } {
  return hasAlpha(spec.format) ? { format: "png" } : { format: "jpeg", quality: JPEG_QUALITY[spec.quality] };
}

/** 4k is the same layout captured at device scale factor 2. */
export function scaleFor(resolution: Resolution): number {
  return resolution === "4k" ? 2 : 1;
}

/** A seed derived from the render id, so reruns of one render see the same randomness. */
export function seedFor(renderId: string): number {
  let h = 2166136261;
  for (let i = 0; i < renderId.length; i++) h = Math.imul(h ^ renderId.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** How a render's page is opened, at a given viewport: the same for planning and capture. */
export async function sessionOptionsFor(
  config: { signingSecret: string; frameTimeoutMs: number },
  spec: RenderSpec,
  viewport: { width: number; height: number; deviceScaleFactor: number },
): Promise<SessionOptions> {
  return {
    url: await compositionPageUrl(config.signingSecret, spec.origin, spec),
    ...viewport,
    transparent: hasAlpha(spec.format),
    seed: seedFor(spec.renderId),
    variablesJson: spec.variablesJson,
    frameTimeoutMs: config.frameTimeoutMs,
  };
}

/** Blocked requests become render warnings (the RenderJob de-duplicates and caps them). */
export async function recordBlockedRequests(
  job: { addWarning(warning: string): Promise<void> },
  blocked: Iterable<string>,
): Promise<void> {
  for (const url of blocked) {
    await job.addWarning(`blocked a request outside the project: ${url.length > 300 ? `${url.slice(0, 300)}…` : url}`);
  }
}

/** Everything a page did that was refused or dismissed becomes a render warning. */
export async function recordSessionWarnings(
  job: { addWarning(warning: string): Promise<void> },
  session: { blockedRequests: Iterable<string>; pageWarnings: Iterable<string> },
): Promise<void> {
  await recordBlockedRequests(job, session.blockedRequests);
  for (const warning of session.pageWarnings) await job.addWarning(warning);
}
