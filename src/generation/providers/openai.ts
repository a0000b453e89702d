// OpenAI: images (/images/generations, or /images/edits when the request brings images),
// speech (/audio/speech, then /audio/transcriptions for word timings) and Sora video
// (/videos: create, poll, download the content). No music.
import { ProviderError, type GeneratedMedia, type GenerationKind, type GenerationRequest, type InputFile, type JsonValue, type ProviderAdapter, type ProviderContext, type WordTiming } from "../types.ts";
import { base64ToBytes, BodyTooLarge, readCapped } from "../../lib/bytes.ts";
import { downloadResult, errorFromResponse, pollUntil, providerFetch, quote, readJson } from "./http.ts";

const PROVIDER = "OpenAI";

const DEFAULT_MODELS: Record<Exclude<GenerationKind, "music">, string> = {
  image: "gpt-image-1",
  speech: "gpt-4o-mini-tts",
  video: "sora-2",
};
const MODEL_PATTERNS: Record<Exclude<GenerationKind, "music">, RegExp> = {
  image: /^(gpt-image-[\w.-]+|chatgpt-image-[\w.-]+|dall-e-[23])$/,
  speech: /^(tts-1(-hd)?|gpt-4o(-mini)?-tts)(-[\w.-]+)?$/,
  video: /^sora-2(-pro)?(-[\w.-]+)?$/,
};
const DEFAULT_VOICE = "alloy";
const TRANSCRIPTION_MODEL = "whisper-1";

/** Sora makes 4, 8 or 12 second clips; a request gets the shortest that covers it. */
const SORA_SECONDS = [4, 8, 12];
/** Audio and video answers are held in memory (a Worker has 128 MB): refuse anything past this. */
const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

type Orientation = "square" | "landscape" | "portrait";

function orientationOf(aspectRatio: string | undefined): Orientation {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio ?? "");
  if (!m) return "square";
  const ratio = Number(m[1]) / Number(m[2]);
  return ratio > 1.1 ? "landscape" : ratio < 0.9 ? "portrait" : "square";
}

/** The sizes each image model accepts, by orientation. */
function imageSize(model: string, aspectRatio: string | undefined): string {
  const orientation = orientationOf(aspectRatio);
  if (model === "dall-e-2") return "1024x1024";
  if (model === "dall-e-3") return { square: "1024x1024", landscape: "1792x1024", portrait: "1024x1792" }[orientation];
  return { square: "1024x1024", landscape: "1536x1024", portrait: "1024x1536" }[orientation];
}

export function soraSeconds(duration: number | undefined): number {
  if (duration === undefined || !Number.isFinite(duration)) return SORA_SECONDS[0]!;
  return SORA_SECONDS.find((s) => s >= duration) ?? SORA_SECONDS.at(-1)!;
}

function modelFor(kind: GenerationKind, model: string): string {
  return model || (kind === "music" ? "" : DEFAULT_MODELS[kind]);
}

function unsupported(kind: GenerationKind, model: string): string | null {
  if (kind === "music") return "OpenAI does not make music (it makes images, speech and Sora video).";
  if (model && !MODEL_PATTERNS[kind].test(model)) {
    const examples = { image: "gpt-image-1 or dall-e-3", speech: "gpt-4o-mini-tts, tts-1 or tts-1-hd", video: "sora-2 or sora-2-pro" }[kind];
    return `"${model}" is not an OpenAI ${kind} model (try ${examples}).`;
  }
  return null;
}

/** Extra factory arguments (quality, background, instructions, …) go into the request. */
function extraFields(options: JsonValue | undefined): Record<string, JsonValue> {
  return options && typeof options === "object" && !Array.isArray(options) ? options : {};
}

/** OpenAI echoes a rejected key ("Incorrect API key provided: sk-ab***yz"): keep it out of messages. */
function redact(text: string, key: string): string {
  const plain = key ? text.split(key).join("[redacted]") : text;
  return plain.replace(/(API key provided: )[^\s.,"]+/gi, "$1[redacted]").replace(/\S*\*{4,}\S*/g, "[redacted]");
}

/**
 * A failed answer as a ProviderError. OpenAI signals an exhausted balance as HTTP 429 with
 * code "insufficient_quota", which waiting does not fix: that is quota, not a rate limit.
 */
async function failure(res: Response, what: string, key: string): Promise<ProviderError> {
  let body = "";
  try {
    body = redact(await res.text(), key);
  } catch {
    // the body only feeds the message
  }
  if (res.status === 429 && /"(code|type)"\s*:\s*"insufficient_quota"/.test(body)) {
    return new ProviderError(`${PROVIDER} refused ${what} for lack of quota or credit (HTTP 429): ${quote(body)}`, "quota_exceeded", 429);
  }
  return errorFromResponse(PROVIDER, what, new Response(body, { status: res.status, headers: res.headers }));
}

async function call(ctx: ProviderContext, what: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${ctx.key}`);
  const res = await providerFetch(ctx, PROVIDER, what, `${ctx.baseUrl}${path}`, { ...init, headers });
  if (!res.ok) throw await failure(res, what, ctx.key);
  return res;
}

const postJson = (ctx: ProviderContext, what: string, path: string, body: unknown) =>
  call(ctx, what, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

function fileBlob(file: InputFile): Blob {
  return new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mediaType });
}

function extensionOf(mediaType: string): string {
  return { "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" }[mediaType.split(";")[0]!.trim()] ?? "png";
}

/** Form fields from options: strings as they are, anything else as JSON. */
function appendOptions(form: FormData, options: Record<string, JsonValue>, reserved: string[]): void {
  for (const [name, value] of Object.entries(options)) {
    if (reserved.includes(name) || value === null) continue;
    form.append(name, typeof value === "string" ? value : JSON.stringify(value));
  }
}

function sniffImageType(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  return "image/png";
}

/** A binary answer that should be media; JSON or text in its place is the provider misbehaving. */
async function mediaBytes(ctx: ProviderContext, res: Response, what: string, noun: string, maxBytes: number): Promise<Uint8Array> {
  const contentType = res.headers.get("content-type") ?? "";
  if (/json|text\//i.test(contentType)) {
    const text = redact(await res.text().catch(() => ""), ctx.key);
    throw new ProviderError(`${PROVIDER} answered ${what} with ${contentType} instead of ${noun}: ${quote(text) || "(empty)"}`, "provider_error");
  }
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(res, maxBytes);
  } catch (err) {
    if (err instanceof BodyTooLarge) {
      const size = err.declared !== undefined ? `is ${Math.round(err.declared / 1e6)} MB, more than` : "is more than";
      throw new ProviderError(`${PROVIDER}'s ${noun} for ${what} ${size} the ${Math.round(maxBytes / 1e6)} MB accepted`, "provider_error");
    }
    if (ctx.signal.aborted) throw new ProviderError(`${PROVIDER} did not finish ${what} in time`, "timeout");
    throw new ProviderError(`${PROVIDER} broke off the ${noun} for ${what}: ${err instanceof Error ? err.message : String(err)}`, "provider_error");
  }
  if (bytes.length === 0) throw new ProviderError(`${PROVIDER} returned no ${noun} for ${what}`, "provider_error");
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Images

interface ImagesAnswer {
  data?: Array<{ b64_json?: unknown; url?: unknown }>;
}

async function image(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
  const model = modelFor("image", request.model);
  const size = imageSize(model, request.aspectRatio);
  const options = extraFields(request.options);
  const editing = request.images.length > 0;
  const what = editing ? "image edit" : "image generation";
  let res: Response;
  if (editing) {
    const form = new FormData();
    form.append("model", model);
    form.append("prompt", request.prompt);
    form.append("size", typeof options.size === "string" ? options.size : size);
    form.append("n", "1");
    // gpt-image models take several images as image[]; dall-e-2 edits exactly one, as image.
    const field = model === "dall-e-2" ? "image" : "image[]";
    request.images.forEach((file, i) => form.append(field, fileBlob(file), `input-${i + 1}.${extensionOf(file.mediaType)}`));
    appendOptions(form, options, ["model", "prompt", "size", "n", "image", "image[]"]);
    res = await call(ctx, what, "/images/edits", { method: "POST", body: form });
  } else {
    // gpt-image models always answer base64 (and reject response_format); dall-e would answer a
    // short-lived URL unless asked for base64.
    const format = model.startsWith("dall-e") ? { response_format: "b64_json" } : {};
    res = await postJson(ctx, what, "/images/generations", { size, ...format, ...options, model, prompt: request.prompt, n: 1 });
  }
  const answer = await readJson<ImagesAnswer | null>(ctx, PROVIDER, what, res);
  const first = Array.isArray(answer?.data) ? answer.data[0] : undefined;
  if (typeof first?.b64_json === "string" && first.b64_json) {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(first.b64_json);
    } catch {
      throw new ProviderError(`${PROVIDER} returned an image for ${what} that is not valid base64`, "provider_error");
    }
    return { bytes, mediaType: sniffImageType(bytes), endpoint: model };
  }
  if (typeof first?.url === "string" && first.url) {
    const file = await downloadResult(ctx, PROVIDER, what, first.url);
    return { bytes: file.bytes, mediaType: file.contentType || sniffImageType(file.bytes), endpoint: model };
  }
  throw new ProviderError(`${PROVIDER} returned no image for ${what}`, "provider_error");
}

// ---------------------------------------------------------------------------------------------
// Speech

interface TranscriptionAnswer {
  words?: Array<{ word?: unknown; start?: unknown; end?: unknown }>;
}

/** Word timings of our own audio, from Whisper; undefined when it cannot say. */
async function wordTimings(ctx: ProviderContext, audio: Uint8Array): Promise<WordTiming[] | undefined> {
  const form = new FormData();
  form.append("file", new Blob([audio as Uint8Array<ArrayBuffer>], { type: "audio/mpeg" }), "speech.mp3");
  form.append("model", TRANSCRIPTION_MODEL);
  form.append("response_format", "verbose_json");
  form.append("timestamp_granularities[]", "word");
  const res = await call(ctx, "speech word timings", "/audio/transcriptions", { method: "POST", body: form });
  const answer = await readJson<TranscriptionAnswer | null>(ctx, PROVIDER, "speech word timings", res);
  if (!Array.isArray(answer?.words)) return undefined;
  const words: WordTiming[] = [];
  for (const w of answer.words) {
    if (typeof w.word !== "string" || typeof w.start !== "number" || typeof w.end !== "number") return undefined;
    words.push({ word: w.word.trim(), start: w.start, end: w.end });
  }
  return words;
}

async function speech(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
  const model = modelFor("speech", request.model);
  const voice = (request.voice ?? "").trim().toLowerCase() || DEFAULT_VOICE;
  const res = await postJson(ctx, "speech", "/audio/speech", { ...extraFields(request.options), model, voice, input: request.prompt, response_format: "mp3" });
  const bytes = await mediaBytes(ctx, res, "speech", "audio", MAX_MEDIA_BYTES);
  // Timings are a bonus: a transcription that fails leaves the speech without words, not failed.
  const words = await wordTimings(ctx, bytes).catch(() => undefined);
  return { bytes, mediaType: "audio/mpeg", words, endpoint: model };
}

// ---------------------------------------------------------------------------------------------
// Video (Sora)

interface VideoJob {
  id?: unknown;
  status?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
}

async function video(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
  const model = modelFor("video", request.model);
  const form = new FormData();
  form.append("model", model);
  form.append("prompt", request.prompt);
  form.append("seconds", String(soraSeconds(request.duration)));
  // Sora makes 720p landscape or portrait; a square request gets landscape.
  form.append("size", orientationOf(request.aspectRatio) === "portrait" ? "720x1280" : "1280x720");
  const start = request.images[0];
  if (start) form.append("input_reference", fileBlob(start), `input.${extensionOf(start.mediaType)}`);
  appendOptions(form, extraFields(request.options), ["model", "prompt", "input_reference"]);

  const created = await readJson<VideoJob | null>(ctx, PROVIDER, "video", await call(ctx, "video", "/videos", { method: "POST", body: form }));
  const id = typeof created?.id === "string" ? created.id : "";
  if (!id) throw new ProviderError(`${PROVIDER} accepted the video but gave no id to follow`, "provider_error");

  await pollUntil(ctx, PROVIDER, "video", async () => {
    const job = await readJson<VideoJob | null>(ctx, PROVIDER, "video", await call(ctx, "video", `/videos/${encodeURIComponent(id)}`));
    if (job?.status === "completed") return true;
    if (job?.status === "failed") {
      const reason = typeof job.error?.message === "string" ? job.error.message : "no reason given";
      throw new ProviderError(`${PROVIDER}'s ${model} failed the video: ${quote(redact(reason, ctx.key))}`, "provider_error");
    }
    return undefined;
  });

  const content = await call(ctx, "video", `/videos/${encodeURIComponent(id)}/content`);
  const bytes = await mediaBytes(ctx, content, "video", "video", MAX_MEDIA_BYTES);
  return { bytes, mediaType: "video/mp4", endpoint: model };
}

export const openaiAdapter: ProviderAdapter = {
  name: "openai",
  unsupported,

  endpointFor(request: GenerationRequest): string {
    return modelFor(request.kind, request.model) || request.kind;
  },

  async generate(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
    const refusal = unsupported(request.kind, request.model);
    if (refusal) throw new ProviderError(refusal, "provider_error");
    if (request.kind === "image") return image(request, ctx);
    if (request.kind === "speech") return speech(request, ctx);
    return video(request, ctx);
  },
};
