// What an element asks generation for, in the provider-neutral terms of src/generation: which
// provider and model (the element's `model`, else the defaults the varg cloud uses), the text,
// the images it starts from (elements or URLs, resolved by the caller), its shape (aspect
// ratio, seconds, voice). Pure: no I/O.
import type { GenerationKind, GenerationRequest, JsonValue } from "../../../generation/types.ts";
import { isElement, isModelRef, type PropValue, type VargElementJson } from "../tree.ts";

/** Element type → what it generates. */
export const GENERATED_KIND: Record<string, GenerationKind> = { image: "image", video: "video", speech: "speech", music: "music", "talking-head": "video" };

/** A TalkingHead without a model: fal's OmniHuman, which animates an image to speech. */
export const DEFAULT_TALKING_HEAD = { provider: "fal", model: "omnihuman-v1.5" };
/** fal lipsync models that work on a video, not an image (the SDK's VIDEO_ONLY_LIPSYNC_MODELS). */
export const LIPSYNC_NEEDS_VIDEO = new Set(["sync-v2", "sync-v2-pro", "sync-v3", "lipsync"]);
/** What a lipsync model that needs a video (sync-*) first animates the image with. */
export const IDLE_ANIMATION_PROMPT = "person looking at camera, subtle idle movement, breathing, blinking";

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
export type MediaInput = VargElementJson | string;

export interface ElementRequest {
  /** The request, without its input files (the caller resolves `imageInputs` into `images`). */
  request: Omit<GenerationRequest, "images">;
  imageInputs: ImageInput[];
  /** Sound the video is made to (a Video prompt's audio; a TalkingHead's speech). */
  audioInput: MediaInput | null;
  /** A video the generation starts from (a Video prompt's video). */
  videoInput: MediaInput | null;
  /** TalkingHead: the model that animates the image first when the lipsync model needs a video. */
  animateWith: { provider: string; model: string } | null;
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
  return kind === "speech" || el.type === "talking-head" || el.props.prompt !== undefined;
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
  const talking = el.type === "talking-head";
  // A TalkingHead lipsyncs with `lipsyncModel` (else `model`); `model` then animates the image.
  const ownRef = isModelRef(props.model) ? props.model.$model : null;
  const lipsyncRef = talking && isModelRef(props.lipsyncModel) ? props.lipsyncModel.$model : null;
  const ref = lipsyncRef ?? ownRef;
  const fallback = talking ? DEFAULT_TALKING_HEAD : DEFAULT_MODELS[kind];
  const provider = ref?.provider ?? fallback.provider;
  const model = ref ? ref.id : fallback.model;

  let prompt = "";
  const imageInputs: ImageInput[] = [];
  let audioInput: MediaInput | null = null;
  let videoInput: MediaInput | null = null;
  const mediaOf = (v: PropValue | undefined): MediaInput | null => (isElement(v) || (typeof v === "string" && v) ? (v as MediaInput) : null);
  const rawPrompt = props.prompt as PropValue | undefined;
  if (typeof rawPrompt === "string") prompt = rawPrompt;
  else if (rawPrompt && typeof rawPrompt === "object" && !Array.isArray(rawPrompt) && !isElement(rawPrompt) && !isModelRef(rawPrompt)) {
    const p = rawPrompt as { [key: string]: PropValue };
    if (typeof p.text === "string") prompt = p.text;
    if (Array.isArray(p.images)) for (const image of p.images) if (isElement(image) || typeof image === "string") imageInputs.push(image);
    audioInput = mediaOf(p.audio);
    videoInput = mediaOf(p.video);
  }
  if (talking) {
    const image = mediaOf(props.image);
    if (image) imageInputs.push(image);
    audioInput = mediaOf(props.audio);
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
    audioInput,
    videoInput,
    animateWith: talking ? (lipsyncRef && ownRef ? { provider: ownRef.provider, model: ownRef.id } : DEFAULT_MODELS.video) : null,
    modelLabel: `${provider}:${model || "default"}`,
    lines,
  };
}
