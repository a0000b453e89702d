// What an element asks generation for, in the provider-neutral terms of src/generation: which
// provider and model (the element's `model`, else the defaults the varg cloud uses), the text,
// the images it starts from (elements or URLs, resolved by the caller), its shape (aspect
// ratio, seconds, voice). Pure: no I/O.
import type { GenerationKind, GenerationRequest, JsonValue } from "../../../generation/types.ts";
import { isElement, isModelRef, type PropValue, type VargElementJson } from "../tree.ts";

/** Element type → what it generates. */
export const GENERATED_KIND: Record<string, GenerationKind> = { image: "image", video: "video", speech: "speech", music: "music" };

/** Models used when an element names none: the varg cloud's defaults (the seed lists an Image
 *  without a model as "fal:nano-banana-pro"). "" = the provider adapter's own default. */
export const DEFAULT_MODELS: Record<GenerationKind, { provider: string; model: string }> = {
  image: { provider: "fal", model: "nano-banana-pro" },
  video: { provider: "fal", model: "kling-v3" },
  speech: { provider: "elevenlabs", model: "" },
  music: { provider: "elevenlabs", model: "" },
};

/** An input the generation starts from: an element (generated or fetched first) or a URL. */
export type ImageInput = VargElementJson | string;

export interface ElementRequest {
  /** The request, without its input files (the caller resolves `imageInputs` into `images`). */
  request: Omit<GenerationRequest, "images">;
  imageInputs: ImageInput[];
  /** "fal:kling-v3", as listed in files[] metadata. */
  modelLabel: string;
  /** Speech given as an array of lines: the lines, for segments. */
  lines: string[] | null;
}

/** Whether the element is made by generation: a media element with a prompt (or a Speech) and no src. */
export function needsGeneration(el: VargElementJson): boolean {
  const kind = GENERATED_KIND[el.type];
  if (!kind || (typeof el.props.src === "string" && el.props.src)) return false;
  // Already resolved (awaited in the code, or a segment of an awaited Speech).
  if (el.resolved || el.props.segment !== undefined) return false;
  return kind === "speech" || el.props.prompt !== undefined;
}

function textOf(el: VargElementJson): string {
  return el.children
    .filter((c): c is string => typeof c === "string")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Closest common ratio to the render's frame, so generated media fills it ("9:16" for 1080×1920). */
export function ratioOf(width: number, height: number): string {
  const candidates: Array<[string, number]> = [["16:9", 16 / 9], ["9:16", 9 / 16], ["1:1", 1], ["4:3", 4 / 3], ["3:4", 3 / 4], ["21:9", 21 / 9]];
  const r = width / height;
  return candidates.reduce((best, c) => (Math.abs(Math.log(c[1] / r)) < Math.abs(Math.log(best[1] / r)) ? c : best))[0];
}

export function requestFor(el: VargElementJson, scene: { width: number; height: number; clipSeconds?: number }): ElementRequest {
  const kind = GENERATED_KIND[el.type]!;
  const props = el.props;
  const ref = isModelRef(props.model) ? props.model.$model : null;
  const provider = ref?.provider ?? DEFAULT_MODELS[kind].provider;
  const model = ref ? ref.id : DEFAULT_MODELS[kind].model;

  let prompt = "";
  const imageInputs: ImageInput[] = [];
  const rawPrompt = props.prompt as PropValue | undefined;
  if (typeof rawPrompt === "string") prompt = rawPrompt;
  else if (rawPrompt && typeof rawPrompt === "object" && !Array.isArray(rawPrompt) && !isElement(rawPrompt) && !isModelRef(rawPrompt)) {
    const p = rawPrompt as { [key: string]: PropValue };
    if (typeof p.text === "string") prompt = p.text;
    if (Array.isArray(p.images)) for (const image of p.images) if (isElement(image) || typeof image === "string") imageInputs.push(image);
  }
  let lines: string[] | null = null;
  if (kind === "speech") {
    prompt = textOf(el);
    const strings = el.children.filter((c): c is string => typeof c === "string");
    if (strings.length > 1) lines = strings.map((s) => s.trim()).filter(Boolean);
  }

  const aspectRatio = typeof props.aspectRatio === "string" ? props.aspectRatio : kind === "image" || kind === "video" ? ratioOf(scene.width, scene.height) : undefined;
  const ownSeconds = typeof props.duration === "number" ? props.duration : undefined;
  const duration = kind === "video" ? (ownSeconds ?? scene.clipSeconds) : kind === "music" ? ownSeconds : undefined;
  const options = (ref?.options ?? (props.providerOptions as JsonValue | undefined)) as JsonValue | undefined;

  return {
    request: {
      provider,
      kind,
      model,
      options,
      prompt,
      aspectRatio,
      duration,
      voice: kind === "speech" && typeof props.voice === "string" ? props.voice : undefined,
    },
    imageInputs,
    modelLabel: `${provider}:${model || "default"}`,
    lines,
  };
}
