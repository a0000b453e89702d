// The contract between the generation phase and the AI provider adapters. Dialect-neutral: a
// request says what to make (kind, prompt, inputs, shape), an adapter says how one provider's
// public HTTP API makes it. Adapters never see where the request came from, never store
// anything, and never put a key in an error message.
import type { FailureCategory } from "../core/errors.ts";

export type GenerationKind = "image" | "video" | "speech" | "music";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A file an adapter sends to a provider (an image fed into image-to-video). */
export interface InputFile {
  bytes: Uint8Array;
  mediaType: string;
}

export interface GenerationRequest {
  /** fal | elevenlabs | openai | replicate | google | higgsfield */
  provider: string;
  kind: GenerationKind;
  /** The model id as written in the code (`fal.imageModel("nano-banana-pro")` → "nano-banana-pro");
   *  "" when the factory took none (the adapter's default for the kind). */
  model: string;
  /** Extra factory arguments (`fal.videoModel("kling-v3", {...})`), passed through as provider input. */
  options?: JsonValue;
  /** The text: image/video/music prompt, or the words to speak. */
  prompt: string;
  /** Images the generation starts from (image-to-video, image editing), in order. */
  images: InputFile[];
  /** Sound a video is made to (lipsync: a talking head speaks it), when given. */
  audio?: InputFile;
  /** A video a generation starts from (lipsync onto an existing video, video-to-video). */
  video?: InputFile;
  /** "16:9", "9:16", "1:1", … when the element asked for one. */
  aspectRatio?: string;
  /** Seconds wanted (video, music), when known. */
  duration?: number;
  /** Speech: a voice name ("rachel", "josh") or the provider's voice id. */
  voice?: string;
}

export interface WordTiming {
  word: string;
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
}

export interface GeneratedMedia {
  bytes: Uint8Array;
  /** As the provider labelled it (the pipeline probes the bytes anyway). */
  mediaType: string;
  /** Speech: word timings, when the provider gives them. */
  words?: WordTiming[];
  /** The model that actually ran, for listings: "fal-ai/nano-banana-pro". */
  endpoint: string;
}

/** What an adapter gets to do its work. */
export interface ProviderContext {
  /** The caller's key (or the deployment's). Never log it, never echo it. */
  key: string;
  /** The provider API's base URL (configurable so local fakes can stand in), no trailing slash. */
  baseUrl: string;
  /** Aborts when the generation's deadline passes or the job ends. */
  signal: AbortSignal;
  /** Delay between status polls of queued jobs (ms). */
  pollIntervalMs: number;
  /** Downloads a result URL the provider answered with (size-capped, public hosts only). */
  download(url: string): Promise<{ bytes: Uint8Array; contentType: string }>;
}

export interface ProviderAdapter {
  readonly name: string;
  /** Why this provider cannot make `kind` with `model` (unknown model, kind it does not offer),
   *  or null when it can. Checked at submit, so an unsupported model is a 400 naming it. */
  unsupported(kind: GenerationKind, model: string): string | null;
  /** The endpoint/model string a request will run, for cache keys and file metadata. */
  endpointFor(request: GenerationRequest): string;
  generate(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia>;
}

/** A provider refused or failed: the category says whether waiting, paying or fixing helps.
 *  `message` is safe to show (keys redacted by whoever quotes the provider). */
export class ProviderError extends Error {
  override name = "ProviderError";
  readonly category: Extract<FailureCategory, "provider_error" | "rate_limited" | "quota_exceeded" | "timeout">;
  /** HTTP status the provider answered, when it did. */
  readonly status?: number;
  /** Seconds the provider asked us to wait (429 Retry-After). */
  readonly retryAfter?: number;
  constructor(message: string, category: ProviderError["category"] = "provider_error", status?: number, retryAfter?: number) {
    super(message);
    this.category = category;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}
