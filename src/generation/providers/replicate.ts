// Replicate's predictions API (https://replicate.com/docs/reference/http): an "owner/name"
// model runs through POST /models/{owner}/{name}/predictions, an "owner/name:version" one
// through POST /predictions with the version; the prediction is polled (its urls.get) until it
// succeeds, fails or is canceled, and its output is a URL or a list of them. Replicate runs any
// model, so any kind goes; the input fields follow the AI SDK's Replicate provider, which the
// varg SDK re-exports (prompt, aspect_ratio, duration, the first image as a data: URI).
import { ProviderError, type GenerationKind, type GenerationRequest, type ProviderAdapter, type ProviderContext } from "../types.ts";
import { dataUri, downloadResult, fetchJson, pollUntil, quote } from "./http.ts";

const PROVIDER = "replicate";

// The SDK has no defaults; these are the ones its older Replicate provider lists first for the
// kind (MODELS.IMAGE.FLUX_SCHNELL, MODELS.VIDEO.MINIMAX), both official models. Speech and
// music have none: their models disagree on input fields, so the caller names one.
const DEFAULT_MODELS: Partial<Record<GenerationKind, string>> = {
  image: "black-forest-labs/flux-schnell",
  video: "minimax/video-01",
};

const MODEL_REF = /^([a-z0-9][\w.-]*)\/([a-z0-9][\w.-]*)(?::([0-9a-z]+))?$/i;

interface ModelRef {
  owner: string;
  name: string;
  version?: string;
}

function parseModel(model: string): ModelRef | undefined {
  const m = MODEL_REF.exec(model);
  return m ? { owner: m[1]!, name: m[2]!, ...(m[3] ? { version: m[3] } : {}) } : undefined;
}

function unsupported(kind: GenerationKind, model: string): string | null {
  if (!model && !DEFAULT_MODELS[kind]) return `replicate has no default ${kind} model: name one as "owner/name" or "owner/name:version"`;
  if (model && !parseModel(model)) return `replicate model "${model}" is not "owner/name" or "owner/name:version"`;
  return null;
}

function endpointFor(request: GenerationRequest): string {
  return request.model || DEFAULT_MODELS[request.kind] || "";
}

// Input images go where the model reads them: `image` unless the model is known to differ.
const FLUX_2 = /^black-forest-labs\/flux-2-/;
const MAX_FLUX_2_IMAGES = 8;

function imageFields(model: string, images: GenerationRequest["images"]): Record<string, unknown> {
  if (images.length === 0) return {};
  const uris = images.map(dataUri);
  // Flux 2 takes up to eight: input_image, input_image_2, … (as the AI SDK sends them).
  if (FLUX_2.test(model)) return Object.fromEntries(uris.slice(0, MAX_FLUX_2_IMAGES).map((u, i) => [i ? `input_image_${i + 1}` : "input_image", u]));
  // Nano Banana reads a list (the varg SDK's older provider renames image_urls to it).
  if (/^google\/nano-banana/.test(model)) return { image_input: uris };
  // MiniMax's video models start from `first_frame_image`.
  if (/^minimax\/(video-01|hailuo)/.test(model)) return { first_frame_image: uris[0] };
  return { image: uris[0] };
}

function inputFor(request: GenerationRequest, model: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  // Text-to-speech models on Replicate read `text` (MiniMax speech, Kokoro, XTTS); the rest `prompt`.
  if (request.kind === "speech") {
    input.text = request.prompt;
    if (request.voice) input.voice = request.voice;
  } else {
    input.prompt = request.prompt;
  }
  if (request.aspectRatio && (request.kind === "image" || request.kind === "video")) input.aspect_ratio = request.aspectRatio;
  if (request.duration !== undefined && (request.kind === "video" || request.kind === "music")) input.duration = request.duration;
  Object.assign(input, imageFields(model, request.images));
  if (isObject(request.options)) {
    // Polling and wait settings of the AI SDK are not model input.
    const { maxWaitTimeInSeconds: _w, pollIntervalMs: _i, pollTimeoutMs: _t, ...rest } = request.options;
    Object.assign(input, rest);
  }
  return input;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface Prediction {
  id?: string;
  status?: string;
  output?: unknown;
  error?: unknown;
  urls?: { get?: string };
}

const SETTLED = new Set(["succeeded", "failed", "canceled"]);
const RUNNING = new Set(["starting", "processing"]);

/** The first URL of an output: a URL, a list of URLs, or an object holding one. */
function firstUrl(output: unknown): string | undefined {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return output.map(firstUrl).find(Boolean);
  if (isObject(output)) return Object.values(output).map(firstUrl).find(Boolean);
  return undefined;
}

/** A URL Replicate answered with, if it is on Replicate's own origin (the key goes there). */
function onOrigin(url: unknown, baseUrl: string): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    return new URL(url).origin === new URL(baseUrl).origin ? url : undefined;
  } catch {
    return undefined;
  }
}

const DEFAULT_MEDIA_TYPES: Record<GenerationKind, string> = { image: "image/png", video: "video/mp4", speech: "audio/mpeg", music: "audio/mpeg" };

function checked(prediction: Prediction, what: string): Prediction {
  if (!isObject(prediction)) throw new ProviderError(`replicate answered ${what} with no prediction`);
  if (!SETTLED.has(String(prediction.status)) && !RUNNING.has(String(prediction.status))) {
    throw new ProviderError(`replicate reported an unknown status for ${what}: ${quote(JSON.stringify(prediction.status ?? null))}`);
  }
  return prediction;
}

async function generate(request: GenerationRequest, ctx: ProviderContext) {
  const refused = unsupported(request.kind, request.model);
  if (refused) throw new ProviderError(refused);
  const model = endpointFor(request);
  const ref = parseModel(model)!;
  const what = `${request.kind} generation with ${model}`;
  const auth = { Authorization: `Bearer ${ctx.key}`, Accept: "application/json" };
  const input = inputFor(request, model);
  // Versioned models run through /predictions with the version id, as the AI SDK sends them.
  const url = ref.version ? `${ctx.baseUrl}/predictions` : `${ctx.baseUrl}/models/${ref.owner}/${ref.name}/predictions`;
  const body = ref.version ? { version: ref.version, input } : { input };
  const created = checked(
    await fetchJson<Prediction>(ctx, PROVIDER, what, url, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify(body) }),
    what,
  );
  if (typeof created.id !== "string" || !created.id) throw new ProviderError(`replicate created ${what} without a prediction id`);

  const getUrl = onOrigin(created.urls?.get, ctx.baseUrl) ?? `${ctx.baseUrl}/predictions/${encodeURIComponent(created.id)}`;
  const settled = SETTLED.has(String(created.status))
    ? created
    : await pollUntil(ctx, PROVIDER, what, async () => {
        const prediction = checked(await fetchJson<Prediction>(ctx, PROVIDER, what, getUrl, { headers: auth }), what);
        return SETTLED.has(String(prediction.status)) ? prediction : undefined;
      });
  if (settled.status === "failed") {
    const said = settled.error == null ? "no reason given" : typeof settled.error === "string" ? settled.error : JSON.stringify(settled.error);
    throw new ProviderError(`replicate reported ${what} failed: ${quote(said)}`);
  }
  if (settled.status === "canceled") throw new ProviderError(`replicate's prediction for ${what} was canceled`);
  const file = await downloadResult(ctx, PROVIDER, what, firstUrl(settled.output));
  return { bytes: file.bytes, mediaType: file.contentType || DEFAULT_MEDIA_TYPES[request.kind], endpoint: model };
}

export const replicateAdapter: ProviderAdapter = { name: PROVIDER, unsupported, endpointFor, generate };
