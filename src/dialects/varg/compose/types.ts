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
  /** Set for a stand-in without a file (preview mode, a generation that failed): the label to
   *  show in its place. Images and videos draw a labelled box; audio stays silent. */
  placeholder?: string;
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
  /** Things the SDK would also ignore (an element where it renders nothing, a prop it drops). */
  warnings: string[];
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
  /** Seconds: the whole video's length (audio that runs past it is cut there). */
  duration: number;
  /** Renders a child element in place (for elements that hold others: Overlay, Split, …). */
  render(el: VargElementJson, at: Placement): string;
  /** Records a warning for the job (something the SDK would also drop). */
  warn(message: string): void;
}

/** The clip an element is in, as the SDK's renderers see it. */
export interface ClipInfo {
  /** 0-based, in timeline order (nested clips flattened). */
  index: number;
  /** Seconds on the timeline. */
  start: number;
  duration: number;
  /** Seconds of the transition from the previous clip / into the next one (0 if none): the SDK
   *  hides a Title without start/end during them and fades a kept video's audio over them. */
  inSeconds: number;
  outSeconds: number;
  /** The clip's own transition length even when it is the last clip (the SDK fades a kept
   *  video's audio out by it). */
  ownTransitionSeconds: number;
  /** Clip-level trims, the default for its Videos' cutFrom/cutTo. */
  cutFrom?: number;
  cutTo?: number;
}

/** Where on the timeline an element lives: absolute seconds of its enclosing window. */
export interface Placement {
  start: number;
  duration: number;
  /** The clip the element is in; absent for Render-level elements. */
  clip?: ClipInfo;
  /** Where the element is, for messages: "clip 2", "<Overlay> in clip 2", "<Render>". */
  where?: string;
}

/** Renders one element (and its children) into HTML placed inside its clip's layer. */
export interface ComponentRenderer {
  (el: VargElementJson, ctx: ComposeContext, at: Placement): string;
  /**
   * Optional, for components the SDK renders as a video layer of their own (Slider, Swipe,
   * Packshot): their length in seconds. The first video layer of a Clip without a duration
   * sets the clip's length (as a <Video> does).
   */
  videoLength?: (el: VargElementJson, ctx: ComposeContext) => number | undefined;
}

/** A tree that cannot be compiled (bad prop values found late, missing media): the job fails
 *  with `invalid_source` and this message. */
export class ComposeError extends Error {
  override name = "ComposeError";
}
