// How big a render may be, for any dialect: the output frame's width, height and pixels (after
// the capture scale: 4k doubles both sides), its length and its frame count. Checked when the
// render is created, from what the composition or scene declares, and again when it is planned,
// from what the page measured, so a render too big to capture is refused rather than failed
// hours later. Each caller says it in its own words (a 400 at the door, a failure at planning).
import type { Config } from "../config.ts";
import { frameCountFor } from "../render/chunks.ts";

export type RenderLimits = Pick<Config, "maxWidth" | "maxHeight" | "maxPixels" | "maxDurationSeconds" | "maxFrames">;

export interface RenderFacts {
  /** The composition's size in CSS pixels; null when it is not known yet. */
  width: number | null;
  height: number | null;
  /** Device pixels per CSS pixel of the capture (2 for 4k). */
  scale: number;
  /** Seconds; null when not known yet (or when no video is made, as for stills). */
  durationSeconds: number | null;
  /** The duration is a lower bound: some parts' lengths are not known yet. */
  durationAtLeast?: boolean;
  fps: number;
}

export type LimitName = "MAX_WIDTH" | "MAX_HEIGHT" | "MAX_PIXELS" | "MAX_DURATION_SECONDS" | "MAX_FRAMES";

export interface LimitProblem {
  limit: LimitName;
  value: number;
  max: number;
  message: string;
}

const problem = (limit: LimitName, value: number, max: number, unit: string, what: string): LimitProblem => ({
  limit,
  value,
  max,
  message: `${what} is over the limit of ${max} ${unit} (${limit})`,
});

/** The first limit the render exceeds, or null. */
export function limitProblem(limits: RenderLimits, facts: RenderFacts): LimitProblem | null {
  const scaled = (css: number) => Math.round(css * facts.scale);
  const side = (name: string, css: number) =>
    facts.scale === 1 ? `${name} ${css} px` : `output ${name} ${scaled(css)} px (${css} px at scale ${facts.scale})`;
  if (facts.width !== null && scaled(facts.width) > limits.maxWidth) {
    return problem("MAX_WIDTH", scaled(facts.width), limits.maxWidth, "px", side("width", facts.width));
  }
  if (facts.height !== null && scaled(facts.height) > limits.maxHeight) {
    return problem("MAX_HEIGHT", scaled(facts.height), limits.maxHeight, "px", side("height", facts.height));
  }
  if (facts.width !== null && facts.height !== null) {
    const pixels = scaled(facts.width) * scaled(facts.height);
    if (pixels > limits.maxPixels) {
      return problem("MAX_PIXELS", pixels, limits.maxPixels, "pixels", `a ${scaled(facts.width)}×${scaled(facts.height)} frame (${pixels} pixels)`);
    }
  }
  if (facts.durationSeconds !== null) {
    const seconds = facts.durationSeconds;
    const length = `${facts.durationAtLeast ? "at least " : ""}${+seconds.toFixed(3)} s`;
    if (seconds > limits.maxDurationSeconds) {
      return problem("MAX_DURATION_SECONDS", seconds, limits.maxDurationSeconds, "s", `a duration of ${length}`);
    }
    const frames = frameCountFor(seconds, facts.fps);
    if (frames > limits.maxFrames) {
      return problem("MAX_FRAMES", frames, limits.maxFrames, "frames", `${length} at ${facts.fps} fps (${frames} frames)`);
    }
  }
  return null;
}
