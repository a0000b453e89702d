// fal's queue API (https://docs.fal.ai/model-apis/model-endpoints/queue): POST the input to
// `<base>/<endpoint id>`, poll the status URL until COMPLETED, then GET the response URL. Model
// names, endpoint ids and input fields follow the varg SDK's fal provider
// (src/ai-sdk/providers/fal.ts and model-rules.ts), so `fal.imageModel("nano-banana-pro")`
// runs the same endpoint with the same input here as it does there.
import { ProviderError, type GenerationKind, type GenerationRequest, type InputFile, type ProviderAdapter, type ProviderContext } from "../types.ts";
import { dataUri, downloadResult, fetchJson, pollUntil, quote } from "./http.ts";

const PROVIDER = "fal";

const DEFAULT_MODELS: Partial<Record<GenerationKind, string>> = { image: "nano-banana-pro", video: "kling-v3" };

const IMAGE_MODELS: Record<string, string> = {
  "flux-pro": "fal-ai/flux-pro/v1.1",
  "flux-dev": "fal-ai/flux/dev",
  "flux-schnell": "fal-ai/flux/schnell",
  "recraft-v3": "fal-ai/recraft/v3/text-to-image",
  "nano-banana-pro": "fal-ai/nano-banana-pro",
  "nano-banana-pro/edit": "fal-ai/nano-banana-pro/edit",
  "nano-banana-2": "fal-ai/nano-banana-2",
  "nano-banana-2/edit": "fal-ai/nano-banana-2/edit",
  "seedream-v4.5/edit": "fal-ai/bytedance/seedream/v4.5/edit",
  "qwen-image-2": "fal-ai/qwen-image-2/text-to-image",
  "qwen-image-2/edit": "fal-ai/qwen-image-2/edit",
  "qwen-image-2-pro": "fal-ai/qwen-image-2/pro/text-to-image",
  "qwen-image-2-pro/edit": "fal-ai/qwen-image-2/pro/edit",
  "grok-imagine-image": "xai/grok-imagine-image",
  "grok-imagine-image/edit": "xai/grok-imagine-image/edit",
  "qwen-angles": "fal-ai/qwen-image-edit-2511-multiple-angles",
  "recraft-v4-pro": "fal-ai/recraft/v4/pro/text-to-image",
  "reve/edit": "fal-ai/reve/edit",
  phota: "fal-ai/phota",
  "phota/edit": "fal-ai/phota/edit",
  "phota/enhance": "fal-ai/phota/enhance",
  seedvr: "fal-ai/seedvr/upscale/image",
  "recraft-clarity": "fal-ai/recraft-clarity-upscale",
  "clarity-upscaler": "fal-ai/clarity-upscaler",
  topaz: "fal-ai/topaz/upscale/image",
  ccsr: "fal-ai/ccsr",
  "aura-sr": "fal-ai/aura-sr",
};

const VIDEO_MODELS: Record<string, { t2v: string; i2v: string }> = {
  "kling-v3": { t2v: "fal-ai/kling-video/o3/pro/text-to-video", i2v: "fal-ai/kling-video/o3/pro/image-to-video" },
  "kling-v3-standard": { t2v: "fal-ai/kling-video/o3/standard/text-to-video", i2v: "fal-ai/kling-video/o3/standard/image-to-video" },
  // 4K is image-to-video only; text-to-video falls back to pro, as in the SDK.
  "kling-v3-4k-image-to-video": { t2v: "fal-ai/kling-video/o3/pro/text-to-video", i2v: "fal-ai/kling-video/o3/4k/image-to-video" },
  "kling-v2.6": { t2v: "fal-ai/kling-video/v2.6/pro/text-to-video", i2v: "fal-ai/kling-video/v2.6/pro/image-to-video" },
  "kling-v2.5": { t2v: "fal-ai/kling-video/v2.5-turbo/pro/text-to-video", i2v: "fal-ai/kling-video/v2.5-turbo/pro/image-to-video" },
  "kling-v2.1": { t2v: "fal-ai/kling-video/v2.1/pro/text-to-video", i2v: "fal-ai/kling-video/v2.1/pro/image-to-video" },
  "kling-v2": { t2v: "fal-ai/kling-video/v2/master/text-to-video", i2v: "fal-ai/kling-video/v2/master/image-to-video" },
  "wan-2.5": { t2v: "fal-ai/wan-25/text-to-video", i2v: "fal-ai/wan-25/image-to-video" },
  "wan-2.5-preview": { t2v: "fal-ai/wan-25-preview/text-to-video", i2v: "fal-ai/wan-25-preview/image-to-video" },
  minimax: { t2v: "fal-ai/minimax-video/text-to-video", i2v: "fal-ai/minimax-video/image-to-video" },
  "ltx-2-19b-distilled": { t2v: "fal-ai/ltx-2-19b/distilled/text-to-video", i2v: "fal-ai/ltx-2-19b/distilled/image-to-video" },
  "grok-imagine": { t2v: "xai/grok-imagine-video/text-to-video", i2v: "xai/grok-imagine-video/image-to-video" },
  "sora-2": { t2v: "fal-ai/sora-2/text-to-video", i2v: "fal-ai/sora-2/image-to-video" },
  "sora-2-pro": { t2v: "fal-ai/sora-2/text-to-video/pro", i2v: "fal-ai/sora-2/image-to-video/pro" },
};

// Video models that run one endpoint and take files besides images: a sound to speak to
// (LIPSYNC_MODELS in the SDK), a video to start from (VIDEO_EDIT, V2V_REFERENCE, MOTION_CONTROL,
// VIDEO_UPSCALE), or reference images (REFERENCE_VIDEO). The family says which inputs each needs:
//   lipsync-video   video_url + audio_url          (sync.so: re-lips an existing video)
//   lipsync-image   image_url + audio_url [prompt] (OmniHuman, VEED Fabric: a talking image)
//   audio-to-video  audio_url + prompt [image_url] (LTX-2: a video made to the sound)
//   motion-control  image_url + video_url [prompt] (the image moves as the video does)
//   video-edit      video_url + prompt
//   v2v-reference   video_url + prompt [image_urls]
//   reference       prompt [start/end image, image_urls]
//   upscale         video_url
// The SDK's "sora-2-remix" is left out: fal's remix endpoint takes the video_id of an earlier
// Sora generation, not a video file.
type FileFamily = "lipsync-video" | "lipsync-image" | "audio-to-video" | "motion-control" | "video-edit" | "v2v-reference" | "reference" | "upscale";
const FILE_VIDEO_MODELS: Record<string, { endpoint: string; family: FileFamily }> = {
  "sync-v2": { endpoint: "fal-ai/sync-lipsync", family: "lipsync-video" },
  "sync-v2-pro": { endpoint: "fal-ai/sync-lipsync/v2", family: "lipsync-video" },
  "sync-v3": { endpoint: "fal-ai/sync-lipsync/v3", family: "lipsync-video" },
  lipsync: { endpoint: "fal-ai/sync-lipsync", family: "lipsync-video" },
  "omnihuman-v1.5": { endpoint: "fal-ai/bytedance/omnihuman/v1.5", family: "lipsync-image" },
  "veed-fabric-1.0": { endpoint: "veed/fabric-1.0", family: "lipsync-image" },
  "ltx-2-a2v": { endpoint: "fal-ai/ltx-2-19b/audio-to-video", family: "audio-to-video" },
  "kling-v3-pro-motion-control": { endpoint: "fal-ai/kling-video/v3/pro/motion-control", family: "motion-control" },
  "kling-v3-standard-motion-control": { endpoint: "fal-ai/kling-video/v3/standard/motion-control", family: "motion-control" },
  "kling-v2.6-motion": { endpoint: "fal-ai/kling-video/v2.6/pro/motion-control", family: "motion-control" },
  "kling-v2.6-motion-standard": { endpoint: "fal-ai/kling-video/v2.6/standard/motion-control", family: "motion-control" },
  "grok-imagine-edit": { endpoint: "xai/grok-imagine-video/edit-video", family: "video-edit" },
  "kling-v3-standard-v2v-reference": { endpoint: "fal-ai/kling-video/o3/standard/video-to-video/reference", family: "v2v-reference" },
  "kling-v3-pro-reference-to-video": { endpoint: "fal-ai/kling-video/o3/pro/reference-to-video", family: "reference" },
  "kling-v3-4k-reference-to-video": { endpoint: "fal-ai/kling-video/o3/4k/reference-to-video", family: "reference" },
  "seedvr-video": { endpoint: "fal-ai/seedvr/upscale/video", family: "upscale" },
  "topaz-video": { endpoint: "fal-ai/topaz/upscale/video", family: "upscale" },
  "bytedance-upscaler": { endpoint: "fal-ai/bytedance-upscaler/upscale/video", family: "upscale" },
  "sima-video-upscaler": { endpoint: "simalabs/sima-video-upscaler-lite", family: "upscale" },
};

// What a file-input model needs and lacks, said as the error a caller turns into a failure.
const NEEDS: Record<FileFamily, { does: string; needs: Array<"image" | "audio" | "video"> }> = {
  "lipsync-video": { does: "lipsyncs a video", needs: ["video", "audio"] },
  "lipsync-image": { does: "makes an image speak a sound", needs: ["image", "audio"] },
  "audio-to-video": { does: "makes a video to a sound", needs: ["audio"] },
  "motion-control": { does: "moves an image the way a video moves", needs: ["image", "video"] },
  "video-edit": { does: "edits a video", needs: ["video"] },
  "v2v-reference": { does: "remakes a video", needs: ["video"] },
  reference: { does: "makes a video from reference images", needs: [] },
  upscale: { does: "upscales a video", needs: ["video"] },
};

/** True for the lipsync models that re-lip an existing video (the sync.so ones: sync-v2,
 *  sync-v2-pro, sync-v3 and its alias "lipsync"), so a caller holding only an image animates it
 *  into a video first. Takes the model as written: a name, an endpoint id or "raw:<id>". */
export function falLipsyncNeedsVideo(model: string): boolean {
  return FILE_VIDEO_MODELS[canonicalModel("video", rawEndpoint(model) ?? model)]?.family === "lipsync-video";
}

// Models whose size is `image_size` (an enum or {width, height}) rather than `aspect_ratio`.
const IMAGE_SIZE_MODELS = new Set(["flux-schnell", "flux-dev", "flux-pro", "seedream-v4.5/edit", "qwen-image-2", "qwen-image-2/edit", "qwen-image-2-pro", "qwen-image-2-pro/edit", "recraft-v4-pro"]);
const ASPECT_RATIO_TO_IMAGE_SIZE: Record<string, string> = { "1:1": "square", "4:3": "landscape_4_3", "3:4": "portrait_4_3", "16:9": "landscape_16_9", "9:16": "portrait_16_9" };

// Qwen Angles re-angles an input image: its text is `additional_prompt`, its size is pixels.
const QWEN_ANGLES = "qwen-angles";
const QWEN_ANGLES_SIZES: Record<string, { width: number; height: number }> = {
  "1:1": { width: 1024, height: 1024 },
  "4:3": { width: 1024, height: 768 },
  "3:4": { width: 768, height: 1024 },
  "16:9": { width: 1024, height: 576 },
  "9:16": { width: 576, height: 1024 },
  "3:2": { width: 1024, height: 683 },
  "2:3": { width: 683, height: 1024 },
};

// Models that take one `image_url` instead of an `image_urls` array (editors of one image, upscalers).
const SINGLE_IMAGE_MODELS = new Set(["reve/edit", "phota/enhance", "seedvr", "recraft-clarity", "clarity-upscaler", "topaz", "ccsr", "aura-sr"]);

// Durations each video model accepts (model-rules.ts): Kling O3 wants a string "3"–"15", older
// Kling and Wan 5 or 10, Sora 2 multiples of 4, Grok 1–15. A model without a rule gets the
// request's duration as is.
type DurationRule = (seconds: number | undefined) => string | number;
const clampedString = (min: number, max: number, fallback: number): DurationRule => (s) => String(Math.max(min, Math.min(max, Math.round(s ?? fallback))));
const nearestOf = (allowed: number[], fallback: number): DurationRule => (s) => {
  const wanted = s ?? fallback;
  return allowed.reduce((best, d) => (Math.abs(d - wanted) < Math.abs(best - wanted) ? d : best));
};
const clamped = (min: number, max: number, fallback: number): DurationRule => (s) => Math.max(min, Math.min(max, Math.round(s ?? fallback)));
const DURATION_RULES: Record<string, DurationRule> = {
  "kling-v3": clampedString(3, 15, 5),
  "kling-v3-standard": clampedString(3, 15, 5),
  "kling-v3-4k-image-to-video": clampedString(3, 15, 5),
  "kling-v2.6": clampedString(3, 15, 5),
  "kling-v2.5": nearestOf([5, 10], 5),
  "kling-v2.1": nearestOf([5, 10], 5),
  "kling-v2": nearestOf([5, 10], 5),
  "wan-2.5": nearestOf([5, 10], 5),
  "wan-2.5-preview": nearestOf([5, 10], 5),
  minimax: (s) => Math.round(s ?? 5),
  "grok-imagine": clamped(1, 15, 6),
  "sora-2": nearestOf([4, 8, 12, 16, 20], 4),
  "sora-2-pro": nearestOf([4, 8, 12, 16, 20], 4),
  "kling-v3-pro-reference-to-video": clampedString(3, 15, 5),
  "kling-v3-4k-reference-to-video": clampedString(3, 15, 5),
  "kling-v3-standard-v2v-reference": clampedString(3, 15, 5),
};

// Kling v2.6+, O3 and LTX-2 make their own soundtrack and take an end frame.
const AUDIO_VIDEO_MODELS = new Set(["kling-v3", "kling-v3-standard", "kling-v3-4k-image-to-video", "kling-v2.6", "ltx-2-19b-distilled"]);
const LTX2 = "ltx-2-19b-distilled";

/** An endpoint id as fal names them ("fal-ai/flux/dev"): path segments, no "." or ".." tricks. */
function isEndpointId(model: string): boolean {
  const segments = model.split("/");
  return segments.length >= 2 && segments.every((s) => /^[\w-][\w.-]*$/.test(s));
}

/** The SDK's "raw:" prefix, or an endpoint id written as the model: run it as given. */
function rawEndpoint(model: string): string | undefined {
  const id = model.startsWith("raw:") ? model.slice(4) : model;
  if (IMAGE_MODELS[id] || !isEndpointId(id)) return undefined;
  return id;
}

/** The table name behind an endpoint id, so "fal-ai/flux/dev" gets flux-dev's input rules. */
function canonicalModel(kind: GenerationKind, model: string): string {
  if (kind === "image") return Object.entries(IMAGE_MODELS).find(([, id]) => id === model)?.[0] ?? model;
  if (kind === "video") {
    return (
      Object.entries(VIDEO_MODELS).find(([, ids]) => ids.t2v === model || ids.i2v === model)?.[0] ??
      Object.entries(FILE_VIDEO_MODELS).find(([, m]) => m.endpoint === model)?.[0] ??
      model
    );
  }
  return model;
}

function examples(kind: GenerationKind): string {
  const names = Object.keys(kind === "image" ? IMAGE_MODELS : VIDEO_MODELS).filter((n) => !n.includes("/"));
  return `${names.slice(0, 6).join(", ")}, … (${names.length} in all) or a fal endpoint id such as "${kind === "image" ? "fal-ai/flux/dev" : "fal-ai/kling-video/v2.1/pro/text-to-video"}"`;
}

function unsupported(kind: GenerationKind, model: string): string | null {
  const name = model || DEFAULT_MODELS[kind];
  if (kind === "speech" || kind === "music") {
    // The SDK's fal provider has no speech or music models; an explicit endpoint id still runs.
    if (name && rawEndpoint(name)) return null;
    return `fal does not offer ${kind} by model name${model ? ` ("${model}")` : ""}; name a fal ${kind} endpoint id instead, e.g. "${kind === "speech" ? "fal-ai/elevenlabs/tts/multilingual-v2" : "fal-ai/stable-audio"}"`;
  }
  if (!name) return `fal needs a ${kind} model`;
  if (rawEndpoint(name)) return null;
  if (kind === "image" && IMAGE_MODELS[name]) return null;
  if (kind === "video" && (VIDEO_MODELS[name] || FILE_VIDEO_MODELS[name])) return null;
  return `fal has no ${kind} model "${model}"; try ${examples(kind)}`;
}

function endpointFor(request: GenerationRequest): string {
  const model = request.model || DEFAULT_MODELS[request.kind] || "";
  const raw = rawEndpoint(model);
  if (raw) return raw;
  const hasImages = request.images.length > 0;
  if (request.kind === "video") {
    const pair = VIDEO_MODELS[model];
    if (pair) return hasImages ? pair.i2v : pair.t2v;
    const single = FILE_VIDEO_MODELS[model];
    if (single) return single.endpoint;
  }
  if (request.kind === "image") {
    // Given images, a model with an editing variant edits (nano-banana-pro → …/edit).
    return (hasImages && IMAGE_MODELS[`${model}/edit`]) || IMAGE_MODELS[model] || model;
  }
  return model;
}

function imageInput(request: GenerationRequest, model: string): Record<string, unknown> {
  const input: Record<string, unknown> = { num_images: 1 };
  if (model === QWEN_ANGLES) {
    if (request.prompt) input.additional_prompt = request.prompt;
    input.acceleration = "regular"; // the only fast mode it has
  } else {
    input.prompt = request.prompt;
    input.acceleration = "high";
  }
  const ratio = request.aspectRatio;
  if (ratio) {
    if (model === QWEN_ANGLES) {
      if (QWEN_ANGLES_SIZES[ratio]) input.image_size = QWEN_ANGLES_SIZES[ratio];
    } else if (IMAGE_SIZE_MODELS.has(model)) {
      if (ASPECT_RATIO_TO_IMAGE_SIZE[ratio]) input.image_size = ASPECT_RATIO_TO_IMAGE_SIZE[ratio];
    } else {
      input.aspect_ratio = ratio;
    }
  }
  if (request.images.length > 0) {
    const urls = request.images.map(dataUri);
    if (SINGLE_IMAGE_MODELS.has(model)) input.image_url = urls[0];
    else input.image_urls = urls;
  } else if (model === QWEN_ANGLES) {
    throw new ProviderError(`fal's ${QWEN_ANGLES} re-angles an image: it needs an input image`);
  }
  return input;
}

/** Input of a model that takes audio/video files (FILE_VIDEO_MODELS), as the SDK builds it. */
function fileVideoInput(request: GenerationRequest, model: string, family: FileFamily): Record<string, unknown> {
  const [image, second] = request.images as [InputFile?, InputFile?];
  const given = { image, audio: request.audio, video: request.video };
  const { does, needs } = NEEDS[family];
  if (needs.some((n) => !given[n])) {
    const hint = family === "lipsync-video" && image && !request.video ? " (animate the image into a video first)" : "";
    // A plain Error: nothing the provider said, the request lacks an input.
    throw new Error(`fal ${model} ${does}: it needs ${needs.map((n) => `${n === "image" || n === "audio" ? "an" : "a"} ${n}`).join(" and ")} input${hint}`);
  }
  const input: Record<string, unknown> = {};
  const duration = () => DURATION_RULES[model]?.(request.duration) ?? request.duration;
  switch (family) {
    case "lipsync-video":
      input.video_url = dataUri(request.video!);
      input.audio_url = dataUri(request.audio!);
      break;
    case "lipsync-image":
      input.image_url = dataUri(image!);
      input.audio_url = dataUri(request.audio!);
      if (request.prompt && model === "omnihuman-v1.5") input.prompt = request.prompt;
      // fal requires Fabric's resolution; 480p is the SDK's default for it.
      if (model === "veed-fabric-1.0") input.resolution = "480p";
      break;
    case "audio-to-video":
      input.prompt = request.prompt;
      input.audio_url = dataUri(request.audio!);
      if (image) input.image_url = dataUri(image);
      break;
    case "motion-control":
      if (request.prompt) input.prompt = request.prompt;
      input.image_url = dataUri(image!);
      input.video_url = dataUri(request.video!);
      input.character_orientation = "video";
      input.keep_original_sound = true;
      if (request.aspectRatio) input.aspect_ratio = request.aspectRatio;
      break;
    case "video-edit":
      input.prompt = request.prompt;
      input.video_url = dataUri(request.video!);
      input.resolution = "auto";
      break;
    case "v2v-reference":
      input.prompt = request.prompt;
      input.video_url = dataUri(request.video!);
      if (request.images.length > 0) input.image_urls = request.images.map(dataUri);
      input.duration = duration();
      input.aspect_ratio = request.aspectRatio ?? "auto";
      input.keep_audio = true;
      break;
    case "reference":
      input.prompt = request.prompt;
      if (image) input.start_image_url = dataUri(image);
      if (second) input.end_image_url = dataUri(second);
      if (request.images.length > 2) input.image_urls = request.images.slice(2).map(dataUri);
      input.duration = duration();
      input.aspect_ratio = request.aspectRatio ?? "16:9";
      input.generate_audio = true;
      break;
    case "upscale":
      input.video_url = dataUri(request.video!);
      break;
  }
  return input;
}

function videoInput(request: GenerationRequest, model: string): Record<string, unknown> {
  const single = FILE_VIDEO_MODELS[model];
  if (single) return fileVideoInput(request, model, single.family);
  if (request.video && VIDEO_MODELS[model]) {
    throw new Error(`fal ${model} makes a video from a prompt or an image, not from a video; a video input needs a model such as grok-imagine-edit or kling-v3-standard-v2v-reference`);
  }
  const input: Record<string, unknown> = { prompt: request.prompt };
  const options = isObject(request.options) ? request.options : {};
  if (model === LTX2) {
    // LTX-2 counts frames instead of seconds and sizes itself.
    const fps = typeof options.fps === "number" ? options.fps : 25;
    input.num_frames = Math.round((request.duration ?? 5) * fps);
    input.video_size = "auto";
  } else {
    const rule = DURATION_RULES[model];
    const duration = rule ? rule(request.duration) : request.duration;
    if (duration !== undefined) input.duration = duration;
    if (model === "grok-imagine") input.resolution = "720p";
    if (model === "sora-2" || model === "sora-2-pro") input.delete_video = false;
  }
  const [first, second] = request.images as [InputFile?, InputFile?];
  if (first) {
    // Image-to-video takes its framing from the image, so no aspect ratio is sent.
    input.image_url = dataUri(first);
    if (second && AUDIO_VIDEO_MODELS.has(model)) input.end_image_url = dataUri(second);
  } else if (model !== LTX2) {
    input.aspect_ratio = request.aspectRatio ?? "16:9";
  }
  if (AUDIO_VIDEO_MODELS.has(model)) input.generate_audio = true;
  if (model === LTX2) {
    input.use_multiscale = true;
    input.enable_prompt_expansion = true;
  }
  // A sound goes along as audio_url (Wan 2.5 sets its video to it), as in the SDK; an endpoint
  // named by id gets a video input as video_url.
  if (request.audio) input.audio_url = dataUri(request.audio);
  if (request.video) input.video_url = dataUri(request.video);
  return input;
}

/** Speech and music run only by endpoint id; fal's TTS endpoints read `text`, its music ones `prompt`. */
function audioInput(request: GenerationRequest): Record<string, unknown> {
  if (request.kind === "speech") return { text: request.prompt, ...(request.voice ? { voice: request.voice } : {}) };
  return { prompt: request.prompt, ...(request.duration !== undefined ? { duration: request.duration } : {}) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface FalQueued {
  request_id?: string;
  status_url?: string;
  response_url?: string;
}

interface FalStatus {
  status?: string;
  response_url?: string;
  error?: unknown;
  error_type?: string;
}

interface FalFile {
  url?: string;
  content_type?: string;
}

interface FalResult {
  images?: FalFile[];
  image?: FalFile;
  video?: FalFile;
  audio?: FalFile;
  audio_file?: FalFile;
}

/** The first output file of a result, whatever the endpoint calls it. */
function outputOf(answer: unknown): FalFile | undefined {
  if (!isObject(answer)) return undefined;
  const result = answer as FalResult;
  return result.images?.[0] ?? result.image ?? result.video ?? result.audio ?? result.audio_file;
}

/** A URL the provider answered with, if it is on the provider's own origin (the key goes there). */
function onOrigin(url: unknown, baseUrl: string): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    return new URL(url).origin === new URL(baseUrl).origin ? url : undefined;
  } catch {
    return undefined;
  }
}

const DEFAULT_MEDIA_TYPES: Record<GenerationKind, string> = { image: "image/png", video: "video/mp4", speech: "audio/mpeg", music: "audio/mpeg" };
const PENDING = new Set(["IN_QUEUE", "IN_PROGRESS"]);

async function generate(request: GenerationRequest, ctx: ProviderContext) {
  const refused = unsupported(request.kind, request.model);
  if (refused) throw new ProviderError(refused);
  const endpoint = endpointFor(request);
  const name = request.model || DEFAULT_MODELS[request.kind] || endpoint;
  const model = canonicalModel(request.kind, rawEndpoint(name) ?? name);
  const input =
    request.kind === "image" ? imageInput(request, model) : request.kind === "video" ? videoInput(request, model) : audioInput(request);
  if (isObject(request.options)) Object.assign(input, request.options);

  const what = `${request.kind} generation with ${endpoint}`;
  const auth = { Authorization: `Key ${ctx.key}`, Accept: "application/json" };
  const queued = await fetchJson<FalQueued>(ctx, PROVIDER, what, `${ctx.baseUrl}/${endpoint}`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify(input),
  });
  const id = isObject(queued) && typeof queued.request_id === "string" ? queued.request_id : undefined;
  if (!id) throw new ProviderError(`fal queued ${what} without a request id`);

  // fal's queue URLs live under the app (the endpoint's first two segments); its own URLs win.
  const requestUrl = `${ctx.baseUrl}/${endpoint.split("/").slice(0, 2).join("/")}/requests/${encodeURIComponent(id)}`;
  const statusUrl = onOrigin(queued.status_url, ctx.baseUrl) ?? `${requestUrl}/status`;
  const done = await pollUntil(ctx, PROVIDER, what, async () => {
    const status = await fetchJson<FalStatus>(ctx, PROVIDER, what, statusUrl, { headers: auth });
    if (status?.status === "COMPLETED") return status;
    if (PENDING.has(String(status?.status))) return undefined;
    throw new ProviderError(`fal reported an unknown status for ${what}: ${quote(JSON.stringify(status?.status ?? status))}`);
  });
  if (done.error) {
    const said = typeof done.error === "string" ? done.error : JSON.stringify(done.error);
    throw new ProviderError(`fal reported ${what} failed${done.error_type ? ` (${done.error_type})` : ""}: ${quote(said)}`);
  }

  const resultUrl = onOrigin(queued.response_url, ctx.baseUrl) ?? onOrigin(done.response_url, ctx.baseUrl) ?? requestUrl;
  const result = await fetchJson(ctx, PROVIDER, what, resultUrl, { headers: auth });
  const output = outputOf(result);
  const file = await downloadResult(ctx, PROVIDER, what, output?.url);
  return { bytes: file.bytes, mediaType: output?.content_type || file.contentType || DEFAULT_MEDIA_TYPES[request.kind], endpoint };
}

export const falAdapter: ProviderAdapter = { name: PROVIDER, unsupported, endpointFor, generate };
