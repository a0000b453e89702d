// The element tree a varg scene evaluates to: plain JSON, produced by the sandbox (which runs
// the untrusted TSX) and consumed by generation (next) and by the compiler that turns it into
// an HTML composition. Nothing in it is executable.

/** A provider model reference, e.g. `fal.imageModel("nano-banana-pro")`. */
export interface ModelRef {
  $model: {
    /** fal | elevenlabs | openai | replicate | google | higgsfield */
    provider: string;
    /** image | video | speech | music | transcription | … (the factory used: imageModel → "image") */
    kind: string;
    /** The model id passed to the factory ("" when the factory takes none, e.g. musicModel()). */
    id: string;
    /** Extra factory arguments, if any (JSON only). */
    options?: JsonValue;
  };
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A prop value: JSON, a model reference, an element (e.g. `prompt.images: [img]`,
 *  `<Captions src={speech}>`), or arrays/objects of those. */
export type PropValue =
  | string
  | number
  | boolean
  | null
  | ModelRef
  | VargElementJson
  | PropValue[]
  | { [key: string]: PropValue };

export interface VargElementJson {
  /** Lower-case element type as in the varg SDK: render, clip, image, video, speech, music,
   *  captions, title, subtitle, overlay, split, grid, slot, packshot, slider, swipe, talking-head. */
  type: string;
  /** Identity of the element object in the code: the same object used twice (e.g. an Image
   *  placed in a clip and fed to a Video prompt) has the same id, so it is generated once. */
  id: string;
  props: { [key: string]: PropValue };
  /** Children in order; text children are strings (numbers are stringified). */
  children: Array<VargElementJson | string>;
  /** Set when the code awaited the element: what the host resolved it to. */
  resolved?: ResolvedMedia;
}

/** What awaiting an element gives the code (`const s = await Speech(…)`). */
export interface ResolvedMedia {
  /** Seconds; 0 for images. */
  duration: number;
  /** Where the media lives (a URL the host can fetch again, or an R2-backed project path). */
  url: string;
  mediaType: string;
  width?: number;
  height?: number;
  /** Word timings for speech: seconds from the start of the audio. */
  words?: Array<{ word: string; start: number; end: number }>;
  /** Speech written as an array of lines: each line's window of the audio (`s.segments`). */
  segments?: Array<{ text: string; start: number; end: number; duration: number; words: Array<{ word: string; start: number; end: number }> }>;
}

export function isElement(value: unknown): value is VargElementJson {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as VargElementJson).type === "string" &&
    typeof (value as VargElementJson).id === "string" &&
    Array.isArray((value as VargElementJson).children)
  );
}

export function isModelRef(value: unknown): value is ModelRef {
  return typeof value === "object" && value !== null && "$model" in value;
}

/** Calls `visit` for every element in a JSON value: elements held in props and children too. */
export function forEachElement(node: unknown, visit: (el: VargElementJson) => void): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) forEachElement(item, visit);
    return;
  }
  if (isElement(node)) {
    visit(node);
    forEachElement(node.props, visit);
    forEachElement(node.children, visit);
    return;
  }
  for (const value of Object.values(node)) forEachElement(value, visit);
}

/** `talking-head` → `TalkingHead`: the component name of an element type. */
export function componentName(type: string): string {
  return type.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase());
}
