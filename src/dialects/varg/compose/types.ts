// Contract of the varg compiler: an element tree (tree.ts) plus the media it references,
// already fetched into the render's project, becomes a HyperFrames HTML composition that the
// one engine (plan → capture → finalize) renders like any uploaded project.
import type { VargElementJson } from "../tree.ts";

/** One media file the tree references, fetched and probed before compiling. */
export interface MediaInfo {
  /** Project-relative path the composition loads it from, e.g. "media/3f2a9c.mp4". */
  path: string;
  kind: "image" | "video" | "audio";
  mediaType: string;
  /** Seconds (video/audio). */
  duration?: number;
  /** Pixels (image/video). */
  width?: number;
  height?: number;
  /** Whether a video file carries an audio stream. */
  hasAudio?: boolean;
}

/** A media reference found in the tree, for the fetch step. */
export interface MediaRef {
  url: string;
  kind: "image" | "video" | "audio" | "subtitles";
  /** Where it was found, for error messages: e.g. "<Image> in clip 2". */
  where: string;
}

export interface CompiledScene {
  /** Project files to write next to the media: at least "index.html". */
  files: Record<string, string | Uint8Array>;
  width: number;
  height: number;
  fps: number;
  /** Seconds. */
  duration: number;
  /** Each top-level clip's window on the timeline (seconds): frames mode takes one still per clip. */
  clips: Array<{ index: number; start: number; end: number }>;
}

/** What a component renderer may use while turning one element into HTML. */
export interface ComposeContext {
  width: number;
  height: number;
  fps: number;
  /** The fetched media for a src URL (throws ComposeError when it is not known). */
  media(url: string): MediaInfo;
  /** The text of a fetched SRT file. */
  subtitles(url: string): string;
  /** Adds CSS rules (deduplicated) to the page's stylesheet. */
  addCss(css: string): void;
  /** A unique, stable id with the given prefix (for elements, keyframes). */
  nextId(prefix: string): string;
}

/** Where on the timeline an element lives: absolute seconds of its enclosing window. */
export interface Placement {
  start: number;
  duration: number;
}

/** Renders one element (and its children) into HTML placed inside its clip's layer. */
export type ComponentRenderer = (el: VargElementJson, ctx: ComposeContext, at: Placement) => string;

/** A tree that cannot be compiled (bad prop values found late, missing media): the job fails
 *  with `invalid_source` and this message. */
export class ComposeError extends Error {
  override name = "ComposeError";
}
