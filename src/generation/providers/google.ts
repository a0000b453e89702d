// Google's Gemini API: images from Gemini image models (generateContent, "nano-banana") or
// Imagen (predict), Veo video (predictLongRunning, poll the operation, download the file with
// the key) and Gemini TTS (generateContent with AUDIO: raw PCM, wrapped here into a WAV). No
// music. The key travels in the x-goog-api-key header, never in a URL we could quote.
import { ProviderError, type GeneratedMedia, type GenerationKind, type GenerationRequest, type InputFile, type JsonValue, type ProviderAdapter, type ProviderContext } from "../types.ts";
import { base64ToBytes, BodyTooLarge, readCapped } from "../../lib/bytes.ts";
import { dataUri, downloadResult, errorFromResponse, pollUntil, providerFetch, quote, readJson } from "./http.ts";

const PROVIDER = "Google";

const DEFAULT_MODELS: Record<Exclude<GenerationKind, "music">, string> = {
  image: "gemini-2.5-flash-image",
  video: "veo-3.0-generate-001",
  speech: "gemini-2.5-flash-preview-tts",
};

/** Short names scripts use (the varg SDK's, plus the marketing ones) → Gemini API model ids. */
const ALIASES: Record<string, string> = {
  "nano-banana": "gemini-2.5-flash-image",
  "nano-banana/edit": "gemini-2.5-flash-image",
  "nano-banana-pro": "gemini-3-pro-image-preview",
  "nano-banana-pro/edit": "gemini-3-pro-image-preview",
  "gemini-3-pro-image": "gemini-3-pro-image-preview",
  "gemini-2-flash-image": "gemini-2.0-flash-exp-image-generation",
  "imagen-4": "imagen-4.0-generate-001",
  "imagen-4-fast": "imagen-4.0-fast-generate-001",
  "imagen-4-ultra": "imagen-4.0-ultra-generate-001",
  "imagen-3": "imagen-3.0-generate-002",
  "veo-3.1": "veo-3.1-generate-preview",
  "veo-3.1-fast": "veo-3.1-fast-generate-preview",
  // The SDK maps "veo-3" to veo-3.0-generate-preview, which Google has retired for the GA id.
  "veo-3": "veo-3.0-generate-001",
  "veo-3-fast": "veo-3.0-fast-generate-001",
  "veo-2": "veo-2.0-generate-001",
};

const GEMINI_IMAGE = /^gemini-[\w.-]*image[\w.-]*$/;
const IMAGEN = /^imagen-[\w.-]+$/;
const VEO = /^veo-\d[\w.-]*$/;
const GEMINI_TTS = /^gemini-[\w.-]*-tts$/;

const GEMINI_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
const IMAGEN_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9"];
const VEO_RATIOS = ["16:9", "9:16"];

/** Gemini TTS's prebuilt voices; names match case-insensitively, others pass through as written. */
const TTS_VOICES = [
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe",
  "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar",
  "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat",
];
const DEFAULT_VOICE = "Kore";
/** Gemini TTS answers 16-bit mono PCM; the rate is in its mimeType, 24 kHz when it is not. */
const DEFAULT_PCM_RATE = 24_000;

/** The video file is held in memory (a Worker has 128 MB): refuse anything past this. */
const MAX_VIDEO_BYTES = 100 * 1024 * 1024;

export function googleModelId(kind: GenerationKind, model: string): string {
  if (!model) return kind === "music" ? "" : DEFAULT_MODELS[kind];
  return ALIASES[model] ?? model;
}

function unsupported(kind: GenerationKind, model: string): string | null {
  if (kind === "music") return "Google (Gemini API) does not make music here; it makes images, video and speech.";
  const id = googleModelId(kind, model);
  if (kind === "image" && !GEMINI_IMAGE.test(id) && !IMAGEN.test(id)) {
    return `"${model}" is not a Google image model (try nano-banana, gemini-2.5-flash-image, nano-banana-pro or imagen-4.0-generate-001).`;
  }
  if (kind === "video" && !VEO.test(id)) return `"${model}" is not a Google video model (try veo-3.0-generate-001, veo-3.1 or veo-2).`;
  if (kind === "speech" && !GEMINI_TTS.test(id)) return `"${model}" is not a Google speech model (try gemini-2.5-flash-preview-tts).`;
  return null;
}

/** The listed ratio closest to the asked one (by how wide it is); undefined when none was asked. */
export function nearestRatio(aspectRatio: string | undefined, allowed: string[]): string | undefined {
  const width = (ratio: string) => {
    const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(ratio);
    return m && Number(m[2]) > 0 ? Math.log(Number(m[1]) / Number(m[2])) : undefined;
  };
  const wanted = aspectRatio ? width(aspectRatio) : undefined;
  if (wanted === undefined) return undefined;
  return allowed.reduce((best, r) => (Math.abs(width(r)! - wanted) < Math.abs(width(best)! - wanted) ? r : best));
}

/** Veo 2 makes 5–8 s clips, Veo 3 4, 6 or 8 s: the shortest that covers the request. */
export function veoSeconds(model: string, duration: number): number {
  const allowed = model.startsWith("veo-2") ? [5, 6, 8] : [4, 6, 8];
  return allowed.find((s) => s >= duration) ?? allowed.at(-1)!;
}

/** Extra factory arguments: generationConfig fields for Gemini, parameters for Imagen and Veo. */
function extraFields(options: JsonValue | undefined): Record<string, JsonValue> {
  return options && typeof options === "object" && !Array.isArray(options) ? options : {};
}

function base64Of(file: InputFile): string {
  const uri = dataUri(file);
  return uri.slice(uri.indexOf(",") + 1);
}

/** Keeps the key out of messages: as sent, and as a `key=` query parameter in quoted URLs. */
function redact(text: string, key: string): string {
  const plain = key ? text.split(key).join("[redacted]") : text;
  return plain.replace(/([?&]key=)[^&\s"'<>]+/gi, "$1[redacted]");
}

interface GoogleErrorBody {
  error?: { message?: string; status?: string; details?: Array<Record<string, unknown>> };
}

function errorDetails(body: string): Array<Record<string, unknown>> {
  try {
    const details = (JSON.parse(body) as GoogleErrorBody).error?.details;
    return Array.isArray(details) ? details : [];
  } catch {
    return [];
  }
}

const detailOf = (details: Array<Record<string, unknown>>, type: string) => details.find((d) => String(d["@type"] ?? "").endsWith(type));

/**
 * A failed answer as a ProviderError. Google uses 429 RESOURCE_EXHAUSTED both for per-minute
 * limits (wait: rate_limited, with RetryInfo's delay) and for a spent per-day quota (waiting
 * minutes does not help: quota_exceeded); a bad key is 400 API_KEY_INVALID, not 401.
 */
async function failure(res: Response, what: string, key: string): Promise<ProviderError> {
  let body = "";
  try {
    body = redact(await res.text(), key);
  } catch {
    // the body only feeds the message
  }
  const details = errorDetails(body);
  const headers = new Headers(res.headers);
  if (res.status === 429) {
    const violations = detailOf(details, "QuotaFailure")?.violations;
    const daily = Array.isArray(violations) && violations.some((v) => /PerDay/i.test(String((v as Record<string, unknown>)?.quotaId ?? "")));
    if (daily) return new ProviderError(`${PROVIDER} refused ${what}: the daily quota is spent (HTTP 429): ${quote(body)}`, "quota_exceeded", 429);
    const delay = /^(\d+(?:\.\d+)?)s$/.exec(String(detailOf(details, "RetryInfo")?.retryDelay ?? ""));
    if (!headers.has("retry-after") && delay) headers.set("retry-after", String(Math.ceil(Number(delay[1]))));
  }
  if (res.status === 400 && detailOf(details, "ErrorInfo")?.reason === "API_KEY_INVALID") {
    return new ProviderError(`${PROVIDER} rejected the API key for ${what} (HTTP 400): ${quote(body)}`, "provider_error", 400);
  }
  return errorFromResponse(PROVIDER, what, new Response(body, { status: res.status, headers }));
}

async function call(ctx: ProviderContext, what: string, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("x-goog-api-key", ctx.key);
  const res = await providerFetch(ctx, PROVIDER, what, url, { ...init, headers });
  if (!res.ok) throw await failure(res, what, ctx.key);
  return res;
}

async function postJson<T>(ctx: ProviderContext, what: string, url: string, body: unknown): Promise<T> {
  const res = await call(ctx, what, url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return readJson<T>(ctx, PROVIDER, what, res);
}

function decoded(b64: string, what: string): Uint8Array {
  try {
    const bytes = base64ToBytes(b64);
    if (bytes.length > 0) return bytes;
  } catch {
    // reported below
  }
  throw new ProviderError(`${PROVIDER} returned ${what} that is not valid base64 data`, "provider_error");
}

// ---------------------------------------------------------------------------------------------
// generateContent (Gemini images and TTS)

interface InlineData {
  mimeType?: string;
  data?: string;
}
interface ContentAnswer {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; inlineData?: InlineData; inline_data?: InlineData }> };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string };
}

/** The first inline file of the answer whose type starts with `prefix`, or why there is none. */
function inlineFile(answer: ContentAnswer | null, prefix: string, what: string, noun: string): { bytes: Uint8Array; mimeType: string } {
  const candidate = answer?.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  for (const part of parts) {
    const inline = part.inlineData ?? part.inline_data;
    if (inline?.data && (inline.mimeType ?? "").toLowerCase().startsWith(prefix)) return { bytes: decoded(inline.data, noun), mimeType: inline.mimeType! };
  }
  const why = [
    answer?.promptFeedback?.blockReason && `prompt blocked: ${answer.promptFeedback.blockReason}`,
    candidate?.finishReason && `finish reason ${candidate.finishReason}`,
    parts.find((p) => p.text)?.text && `it said: ${quote(parts.find((p) => p.text)!.text!)}`,
  ].filter(Boolean);
  throw new ProviderError(`${PROVIDER} returned no ${noun} for ${what}${why.length ? ` (${why.join("; ")})` : ""}`, "provider_error");
}

async function geminiImage(request: GenerationRequest, model: string, ctx: ProviderContext): Promise<GeneratedMedia> {
  const what = request.images.length ? "image edit" : "image generation";
  const options = extraFields(request.options);
  // Gemini 2.0's image model answers text and image together and has no imageConfig.
  const legacy = model.startsWith("gemini-2.0");
  const aspectRatio = nearestRatio(request.aspectRatio, GEMINI_RATIOS);
  const imageConfig = { ...extraFields(options.imageConfig), ...(aspectRatio && !legacy ? { aspectRatio } : {}) };
  const body = {
    contents: [
      {
        role: "user",
        parts: [{ text: request.prompt }, ...request.images.map((file) => ({ inlineData: { mimeType: file.mediaType, data: base64Of(file) } }))],
      },
    ],
    generationConfig: {
      ...options,
      responseModalities: legacy ? ["TEXT", "IMAGE"] : ["IMAGE"],
      ...(Object.keys(imageConfig).length ? { imageConfig } : {}),
    },
  };
  const answer = await postJson<ContentAnswer | null>(ctx, what, `${ctx.baseUrl}/models/${model}:generateContent`, body);
  const image = inlineFile(answer, "image/", what, "image");
  return { bytes: image.bytes, mediaType: image.mimeType, endpoint: model };
}

/** A WAV header in front of little-endian 16-bit PCM (what Gemini calls audio/L16). */
export function wavFromPcm(pcm: Uint8Array, sampleRate: number, channels = 1): Uint8Array {
  const out = new Uint8Array(44 + pcm.length);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + pcm.length, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // PCM format chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, pcm.length, true);
  out.set(pcm, 44);
  return out;
}

async function speech(request: GenerationRequest, model: string, ctx: ProviderContext): Promise<GeneratedMedia> {
  const asked = (request.voice ?? "").trim();
  const voiceName = asked ? (TTS_VOICES.find((v) => v.toLowerCase() === asked.toLowerCase()) ?? asked) : DEFAULT_VOICE;
  const body = {
    contents: [{ parts: [{ text: request.prompt }] }],
    generationConfig: {
      ...extraFields(request.options),
      responseModalities: ["AUDIO"],
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName } } },
    },
  };
  const answer = await postJson<ContentAnswer | null>(ctx, "speech", `${ctx.baseUrl}/models/${model}:generateContent`, body);
  const audio = inlineFile(answer, "audio/", "speech", "audio");
  if (!/^audio\/(l16|pcm)/i.test(audio.mimeType)) return { bytes: audio.bytes, mediaType: audio.mimeType, endpoint: model };
  const rate = Number(/rate=(\d+)/i.exec(audio.mimeType)?.[1] ?? DEFAULT_PCM_RATE);
  // No word timings: Gemini TTS gives none.
  return { bytes: wavFromPcm(audio.bytes, rate), mediaType: "audio/wav", endpoint: model };
}

// ---------------------------------------------------------------------------------------------
// Imagen (predict)

interface PredictAnswer {
  predictions?: Array<{ bytesBase64Encoded?: string; mimeType?: string; raiFilteredReason?: string }>;
}

async function imagen(request: GenerationRequest, model: string, ctx: ProviderContext): Promise<GeneratedMedia> {
  if (request.images.length) {
    throw new ProviderError(`Google's Imagen models (${model}) make images from text only; use a Gemini image model such as nano-banana to start from images`, "provider_error");
  }
  const aspectRatio = nearestRatio(request.aspectRatio, IMAGEN_RATIOS);
  const body = {
    instances: [{ prompt: request.prompt }],
    parameters: { ...extraFields(request.options), sampleCount: 1, ...(aspectRatio ? { aspectRatio } : {}) },
  };
  const answer = await postJson<PredictAnswer | null>(ctx, "image generation", `${ctx.baseUrl}/models/${model}:predict`, body);
  const prediction = answer?.predictions?.[0];
  if (!prediction?.bytesBase64Encoded) {
    const why = prediction?.raiFilteredReason ? ` (filtered: ${quote(prediction.raiFilteredReason)})` : "";
    throw new ProviderError(`${PROVIDER} returned no image for image generation${why}`, "provider_error");
  }
  return { bytes: decoded(prediction.bytesBase64Encoded, "an image"), mediaType: prediction.mimeType || "image/png", endpoint: model };
}

// ---------------------------------------------------------------------------------------------
// Veo (predictLongRunning)

interface Operation {
  name?: unknown;
  done?: boolean;
  error?: { code?: number; message?: string };
  response?: {
    generateVideoResponse?: {
      generatedSamples?: Array<{ video?: { uri?: string } }>;
      raiMediaFilteredReasons?: string[];
    };
  };
}

const OPERATION_NAME = /^[\w.-]+(\/[\w.-]+)*$/;

async function readVideoCapped(ctx: ProviderContext, res: Response, what: string): Promise<Uint8Array> {
  try {
    return await readCapped(res, MAX_VIDEO_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new ProviderError(`${PROVIDER}'s file for ${what} is larger than the ${MAX_VIDEO_BYTES / (1024 * 1024)} MB accepted`, "provider_error");
    if (ctx.signal.aborted) throw new ProviderError(`${PROVIDER} did not finish ${what} in time`, "timeout");
    throw new ProviderError(`${PROVIDER} broke off the file for ${what}: ${err instanceof Error ? err.message : String(err)}`, "provider_error");
  }
}

/**
 * Veo's file URI needs the key. It goes in a header, and only to the API's own host: a URI
 * elsewhere is fetched like any result URL, without it. Any `key=` in the URI is dropped.
 */
async function downloadVideo(ctx: ProviderContext, uri: string): Promise<{ bytes: Uint8Array; contentType: string }> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ProviderError(`${PROVIDER} gave a video URI that is not a URL: ${quote(redact(uri, ctx.key))}`, "provider_error");
  }
  url.searchParams.delete("key");
  if (url.origin !== new URL(ctx.baseUrl).origin) return downloadResult(ctx, PROVIDER, "video", url.toString());
  const res = await call(ctx, "video download", url.toString());
  return { bytes: await readVideoCapped(ctx, res, "video download"), contentType: res.headers.get("content-type") ?? "" };
}

async function veo(request: GenerationRequest, model: string, ctx: ProviderContext): Promise<GeneratedMedia> {
  const start = request.images[0];
  const aspectRatio = nearestRatio(request.aspectRatio, VEO_RATIOS);
  const duration = request.duration !== undefined && Number.isFinite(request.duration) ? veoSeconds(model, request.duration) : undefined;
  const body = {
    instances: [{ prompt: request.prompt, ...(start ? { image: { bytesBase64Encoded: base64Of(start), mimeType: start.mediaType } } : {}) }],
    parameters: { ...extraFields(request.options), ...(aspectRatio ? { aspectRatio } : {}), ...(duration ? { durationSeconds: duration } : {}) },
  };
  const started = await postJson<Operation | null>(ctx, "video", `${ctx.baseUrl}/models/${model}:predictLongRunning`, body);
  const name = typeof started?.name === "string" ? started.name : "";
  if (!OPERATION_NAME.test(name)) throw new ProviderError(`${PROVIDER} accepted the video but gave no operation to follow`, "provider_error");

  const done = await pollUntil(ctx, PROVIDER, "video", async () => {
    const res = await call(ctx, "video", `${ctx.baseUrl}/${name}`);
    const operation = await readJson<Operation | null>(ctx, PROVIDER, "video", res);
    return operation?.done ? operation : undefined;
  });
  if (done.error) {
    throw new ProviderError(`${PROVIDER}'s ${model} failed the video: ${quote(redact(done.error.message ?? `error ${done.error.code ?? "without a message"}`, ctx.key))}`, "provider_error");
  }
  const result = done.response?.generateVideoResponse;
  const uri = result?.generatedSamples?.[0]?.video?.uri;
  if (!uri) {
    const reasons = result?.raiMediaFilteredReasons?.length ? ` (filtered: ${quote(result.raiMediaFilteredReasons.join("; "))})` : "";
    throw new ProviderError(`${PROVIDER} returned no video for video${reasons}`, "provider_error");
  }
  const file = await downloadVideo(ctx, uri);
  if (file.bytes.length === 0) throw new ProviderError(`${PROVIDER} returned an empty video file`, "provider_error");
  return { bytes: file.bytes, mediaType: file.contentType.startsWith("video/") ? file.contentType : "video/mp4", endpoint: model };
}

export const googleAdapter: ProviderAdapter = {
  name: "google",
  unsupported,

  endpointFor(request: GenerationRequest): string {
    return googleModelId(request.kind, request.model) || request.kind;
  },

  async generate(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
    const refusal = unsupported(request.kind, request.model);
    if (refusal) throw new ProviderError(refusal, "provider_error");
    const model = googleModelId(request.kind, request.model);
    if (request.kind === "video") return veo(request, model, ctx);
    if (request.kind === "speech") return speech(request, model, ctx);
    return IMAGEN.test(model) ? imagen(request, model, ctx) : geminiImage(request, model, ctx);
  },
};
