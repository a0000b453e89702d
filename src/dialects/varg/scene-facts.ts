// Facts read off an element tree before it is compiled: the Render's settings, whether it is
// image-only (frames mode is then the default), its length, a rough frame count for the
// estimate, and what the render limits are checked against.
import type { RenderFacts } from "../../renders/render-limits.ts";
import { isElement, type VargElementJson } from "./tree.ts";

export const RENDER_DEFAULTS = { width: 1920, height: 1080, fps: 30 };

/** Element types that make sound or motion: with any of them a scene is not image-only. */
const TIME_BASED = new Set(["video", "speech", "music", "captions", "talking-head"]);

export function renderSettings(tree: VargElementJson): { width: number; height: number; fps: number } {
  const num = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : d);
  return {
    width: num(tree.props.width, RENDER_DEFAULTS.width),
    height: num(tree.props.height, RENDER_DEFAULTS.height),
    fps: num(tree.props.fps, RENDER_DEFAULTS.fps),
  };
}

/** Every element of the tree: children and elements held in props (e.g. prompt images). */
export function* elementsOf(node: VargElementJson): Generator<VargElementJson> {
  yield node;
  const walkValue = function* (value: unknown): Generator<VargElementJson> {
    if (isElement(value)) yield* elementsOf(value);
    else if (Array.isArray(value)) for (const v of value) yield* walkValue(v);
    else if (value && typeof value === "object" && !("$model" in value)) for (const v of Object.values(value)) yield* walkValue(v);
  };
  for (const value of Object.values(node.props)) yield* walkValue(value);
  for (const child of node.children) if (typeof child !== "string") yield* elementsOf(child);
}

export function isImageOnly(tree: VargElementJson): boolean {
  for (const el of elementsOf(tree)) if (TIME_BASED.has(el.type)) return false;
  return true;
}

/** Σ clip durations − Σ transitions (a clip's transition leads into the next clip, so the last
 *  one's does not count), in seconds: exact when every clip declares its duration, otherwise a
 *  lower bound (a clip whose length comes from its media counts as 0 s until it is known). */
export function sceneLength(tree: VargElementJson): { seconds: number; exact: boolean } {
  const clips = tree.children.filter((c): c is VargElementJson => typeof c !== "string" && c.type === "clip");
  let seconds = 0;
  let exact = true;
  for (const [i, clip] of clips.entries()) {
    const d = clip.props.duration;
    if (typeof d === "number" && !Number.isNaN(d)) seconds += d;
    else exact = false;
    const t = clip.props.transition as { duration?: unknown } | undefined;
    if (i < clips.length - 1 && t && typeof t === "object") seconds -= typeof t.duration === "number" ? t.duration : 0.5;
  }
  return { seconds: Math.max(0, seconds), exact };
}

/** The scene's length in frames; null when a clip's length is not known yet. */
export function estimatedFrames(tree: VargElementJson): number | null {
  const { fps } = renderSettings(tree);
  const { seconds, exact } = sceneLength(tree);
  return exact ? Math.max(1, Math.round(seconds * fps)) : null;
}

/** The scene as the render limits see it; the length only counts when a video is made. */
export function limitFacts(tree: VargElementJson, makesVideo: boolean): RenderFacts {
  const { width, height, fps } = renderSettings(tree);
  const { seconds, exact } = sceneLength(tree);
  return { width, height, scale: 1, durationSeconds: makesVideo ? seconds : null, durationAtLeast: !exact, fps };
}
