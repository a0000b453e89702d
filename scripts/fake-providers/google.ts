// Google's Gemini API (generativelanguage v1beta), as much of it as the adapter uses:
// generateContent for Gemini images and TTS, predict for Imagen, predictLongRunning and
// operations for Veo, and the files download Veo's answer points to. Errors have Google's shape,
// `{error: {code, message, status, details}}`; like Google, a missing key is 403
// PERMISSION_DENIED, a bad one 400 API_KEY_INVALID, a rate limit 429 RESOURCE_EXHAUSTED with
// RetryInfo (no Retry-After header), and a spent daily quota 429 naming a PerDay quota.
import { randomBytes } from "node:crypto";
import type { FakeContext, FakeHandler } from "./hub.ts";
import { colourOf, sizeFor, solidPng, solidVideo, speechTimings, GAP_SECONDS, TONE_AMPLITUDE } from "./media.ts";

const GEMINI_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
const IMAGEN_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9"];
const VEO_RATIOS = ["16:9", "9:16"];
const TTS_VOICES = new Set([
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe",
  "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar",
  "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat",
]);
const PCM_RATE = 24_000;

type Details = Array<Record<string, unknown>>;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=UTF-8", ...headers } });
}

function googleError(code: number, status: string, message: string, details?: Details, headers?: Record<string, string>): Response {
  return json(code, { error: { code, message, status, ...(details ? { details } : {}) } }, headers);
}

const invalidArgument = (message: string) => googleError(400, "INVALID_ARGUMENT", message);
const internal = () => googleError(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
const notFound = (what: string, method: string) =>
  googleError(404, "NOT_FOUND", `models/${what} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`);

const badKey = () =>
  googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
    { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
    { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message: "API key not valid. Please pass a valid API key." },
  ]);

/** The key (header or `?key=`), and Google's refusal when it is missing or bad. */
function authenticate(req: Request, path: string): { key: string | null; refusal: Response | null } {
  const key = req.headers.get("x-goog-api-key") ?? new URL(path, "http://fake").searchParams.get("key");
  if (!key) {
    return {
      key,
      refusal: googleError(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."),
    };
  }
  return { key, refusal: key === "bad-key" ? badKey() : null };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as unknown as { unref?: () => void };
    timer.unref?.(); // a test that gave up must not wait for the fake
  });
}

type Trouble = "empty" | "404" | "500" | "slow";

async function misbehave(text: string, ctx: FakeContext, options: { waitWhenSlow: boolean }): Promise<Response | Trouble | null> {
  const behaviour = ctx.behaviour(text);
  switch (behaviour) {
    case "429":
      return googleError(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
        [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_requests_per_model", quotaId: "GenerateRequestsPerMinutePerProjectPerModel", quotaValue: "10" }],
          },
          // Google says when to retry here, not in a Retry-After header.
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2s" },
        ],
      );
    case "402":
      return googleError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_requests_per_model_per_day", quotaId: "GenerateRequestsPerDayPerProjectPerModel", quotaValue: "100" }],
        },
      ]);
    case "401":
      return badKey();
    case "malformed":
      return new Response('{"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBORw0K', {
        status: 200,
        headers: { "content-type": "application/json; charset=UTF-8" },
      });
    case "slow":
      if (!options.waitWhenSlow) return "slow";
      await sleep(ctx.slowMs);
      return null;
    case "500":
    case "404":
    case "empty":
      return behaviour;
    default:
      return null;
  }
}

async function jsonBody(req: Request): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await req.json();
    return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const unparsable = () => invalidArgument("Invalid JSON payload received. Unexpected token.");

const record = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function isImage(b64: unknown): boolean {
  if (typeof b64 !== "string") return false;
  const bytes = Buffer.from(b64, "base64");
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const webp = bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57 && bytes[9] === 0x45;
  return png || jpeg || webp;
}

const pngBase64 = (prompt: string, ratio: string) => {
  const { width, height } = sizeFor(ratio);
  return Buffer.from(solidPng(width, height, colourOf(prompt))).toString("base64");
};

/** Fake speech as Gemini TTS answers it: 16-bit little-endian mono PCM at 24 kHz, tone in each word. */
function speechPcm(text: string): Buffer {
  const timings = speechTimings(text);
  const seconds = timings.length ? timings.at(-1)!.end + GAP_SECONDS : 0.5;
  const samples = Math.round(seconds * PCM_RATE);
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = i / PCM_RATE;
    const speaking = timings.some((w) => t >= w.start && t < w.end);
    out.writeInt16LE(speaking ? Math.round(TONE_AMPLITUDE * 32767 * Math.sin(2 * Math.PI * 440 * t)) : 0, i * 2);
  }
  return out;
}

const usage = { promptTokenCount: 8, candidatesTokenCount: 1290, totalTokenCount: 1298 };

async function generateContent(req: Request, path: string, model: string, ctx: FakeContext): Promise<Response> {
  const { key, refusal } = authenticate(req, path);
  const body = await jsonBody(req);
  const contents = Array.isArray(body?.contents) ? (body.contents as unknown[]).map(record) : [];
  const parts = contents.flatMap((c) => (Array.isArray(c.parts) ? (c.parts as unknown[]).map(record) : []));
  const text = parts.map((p) => p.text).filter((t): t is string => typeof t === "string").join(" ");
  ctx.record({ method: "POST", path, key, prompt: text, submit: true });
  if (refusal) return refusal;
  if (!body) return unparsable();
  if (!model.startsWith("gemini-")) return notFound(model, "generateContent");
  if (contents.length === 0) return invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
  if (parts.length === 0) return invalidArgument("* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n");
  const config = record(body.generationConfig);
  const modalities = Array.isArray(config.responseModalities) ? (config.responseModalities as unknown[]).map(String) : ["TEXT"];
  const tts = model.endsWith("-tts");
  const unsupportedModalities = () => invalidArgument("The requested combination of response modalities is not supported by the model.");

  if (modalities.includes("AUDIO")) {
    if (!tts || modalities.length !== 1) return unsupportedModalities();
    const voice = record(record(record(config.speechConfig).voiceConfig).prebuiltVoiceConfig).voiceName;
    if (voice !== undefined && !TTS_VOICES.has(String(voice))) return invalidArgument(`Voice name ${String(voice)} is not supported. Please use a prebuilt voice.`);
    if (!text.trim()) return invalidArgument("* GenerateContentRequest.contents[0].parts[0].text: text must not be empty.\n");
    const trouble = await misbehave(text, ctx, { waitWhenSlow: true });
    if (trouble instanceof Response) return trouble;
    if (trouble === "500" || trouble === "404") return internal(); // audio comes inline, never as a URL
    if (trouble === "empty") return json(200, { candidates: [{ finishReason: "OTHER", index: 0 }], usageMetadata: usage, modelVersion: model });
    const data = speechPcm(text).toString("base64");
    return json(200, {
      candidates: [{ content: { role: "model", parts: [{ inlineData: { mimeType: `audio/L16;codec=pcm;rate=${PCM_RATE}`, data } }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: usage,
      modelVersion: model,
    });
  }

  if (!modalities.includes("IMAGE") || tts || !model.includes("image")) return unsupportedModalities();
  // Gemini 2.0's image model cannot answer an image alone.
  const legacy = model.startsWith("gemini-2.0");
  if (legacy && !modalities.includes("TEXT")) return unsupportedModalities();
  const ratio = record(config.imageConfig).aspectRatio ?? "1:1";
  if (typeof ratio !== "string" || !GEMINI_RATIOS.includes(ratio)) return invalidArgument(`* GenerationConfig.image_config.aspect_ratio: unsupported aspect ratio ${String(ratio)}\n`);
  for (const part of parts) {
    const inline = record(part.inlineData ?? part.inline_data);
    if (part.inlineData !== undefined || part.inline_data !== undefined) {
      if (!isImage(inline.data)) return invalidArgument("Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
    }
  }
  const trouble = await misbehave(text, ctx, { waitWhenSlow: true });
  if (trouble instanceof Response) return trouble;
  if (trouble === "500" || trouble === "404") return internal();
  if (trouble === "empty") {
    return json(200, {
      candidates: [{ content: { role: "model", parts: [{ text: "I can't create that image. Try another description." }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: usage,
      modelVersion: model,
    });
  }
  const answerParts = [...(legacy ? [{ text: "Here is the image you asked for." }] : []), { inlineData: { mimeType: "image/png", data: pngBase64(text, ratio) } }];
  return json(200, { candidates: [{ content: { role: "model", parts: answerParts }, finishReason: "STOP", index: 0 }], usageMetadata: usage, modelVersion: model });
}

async function predict(req: Request, path: string, model: string, ctx: FakeContext): Promise<Response> {
  const { key, refusal } = authenticate(req, path);
  const body = await jsonBody(req);
  const instance = record(Array.isArray(body?.instances) ? body.instances[0] : undefined);
  const prompt = typeof instance.prompt === "string" ? instance.prompt : undefined;
  ctx.record({ method: "POST", path, key, prompt, submit: true });
  if (refusal) return refusal;
  if (!body) return unparsable();
  if (!model.startsWith("imagen-")) return notFound(model, "predict");
  if (!prompt) return invalidArgument("Invalid value at 'instances[0]': a prompt is required.");
  const parameters = record(body.parameters);
  const ratio = parameters.aspectRatio ?? "1:1";
  if (typeof ratio !== "string" || !IMAGEN_RATIOS.includes(ratio)) return invalidArgument(`Aspect ratio ${String(ratio)} is not supported; use one of ${IMAGEN_RATIOS.join(", ")}.`);
  const count = parameters.sampleCount ?? 4;
  if (typeof count !== "number" || count < 1 || count > 4) return invalidArgument("sampleCount must be between 1 and 4.");
  const trouble = await misbehave(prompt, ctx, { waitWhenSlow: true });
  if (trouble instanceof Response) return trouble;
  if (trouble === "500" || trouble === "404") return internal();
  // Imagen answers an empty object when its filters removed every image.
  if (trouble === "empty") return json(200, {});
  const image = { mimeType: "image/png", bytesBase64Encoded: pngBase64(prompt, ratio) };
  return json(200, { predictions: Array.from({ length: count }, () => image) });
}

interface VeoJob {
  model: string;
  prompt: string;
  ratio: string;
  seconds: number;
  trouble: Trouble | null;
  polls: number;
  fileId?: string;
}

async function predictLongRunning(req: Request, path: string, model: string, ctx: FakeContext): Promise<Response> {
  const { key, refusal } = authenticate(req, path);
  const body = await jsonBody(req);
  const instance = record(Array.isArray(body?.instances) ? body.instances[0] : undefined);
  const prompt = typeof instance.prompt === "string" ? instance.prompt : undefined;
  ctx.record({ method: "POST", path, key, prompt, submit: true });
  if (refusal) return refusal;
  if (!body) return unparsable();
  if (!model.startsWith("veo-")) return notFound(model, "predictLongRunning");
  if (!prompt) return invalidArgument("Invalid value at 'instances[0]': a prompt is required.");
  if (instance.image !== undefined) {
    const image = record(instance.image);
    if (!image.mimeType || !isImage(image.bytesBase64Encoded)) return invalidArgument("Unable to process input image. The image must be base64 bytes with a mimeType.");
  }
  const parameters = record(body.parameters);
  const ratio = parameters.aspectRatio ?? "16:9";
  if (typeof ratio !== "string" || !VEO_RATIOS.includes(ratio)) return invalidArgument(`Aspect ratio ${String(ratio)} is not supported; use 16:9 or 9:16.`);
  const allowed = model.startsWith("veo-2") ? [5, 6, 7, 8] : [4, 6, 8];
  const seconds = Number(parameters.durationSeconds ?? 8);
  if (!allowed.includes(seconds)) return invalidArgument(`durationSeconds ${String(parameters.durationSeconds)} is out of bounds for ${model}; allowed: ${allowed.join(", ")}.`);
  const trouble = await misbehave(prompt, ctx, { waitWhenSlow: false });
  if (trouble instanceof Response) return trouble;
  const id = randomBytes(8).toString("hex");
  const job: VeoJob = { model, prompt, ratio, seconds, trouble, polls: 0 };
  ctx.jobs.set(`op:${id}`, job);
  return json(200, { name: `models/${model}/operations/${id}` });
}

/** Not done on the first poll, done on the next (never, when slow). */
async function operation(req: Request, path: string, model: string, id: string, ctx: FakeContext): Promise<Response> {
  const { key, refusal } = authenticate(req, path);
  ctx.record({ method: "GET", path, key });
  if (refusal) return refusal;
  const job = ctx.jobs.get(`op:${id}`) as VeoJob | undefined;
  const name = `models/${model}/operations/${id}`;
  if (!job || job.model !== model) return googleError(404, "NOT_FOUND", `Operation ${name} not found.`);
  job.polls++;
  if (job.polls === 1 || job.trouble === "slow") return json(200, { name });
  if (job.trouble === "500") return json(200, { name, done: true, error: { code: 13, message: "Video generation failed due to an internal error. Please try again." } });
  const responseType = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse";
  if (job.trouble === "empty") {
    return json(200, {
      name,
      done: true,
      response: { "@type": responseType, generateVideoResponse: { raiMediaFilteredCount: 1, raiMediaFilteredReasons: ["The video could not be generated because it may violate our policies."] } },
    });
  }
  if (!job.fileId) {
    job.fileId = randomBytes(6).toString("hex");
    if (job.trouble !== "404") {
      const { width, height } = sizeFor(job.ratio);
      ctx.jobs.set(`file:${job.fileId}`, await solidVideo(width, height, colourOf(job.prompt), job.seconds));
    }
  }
  const uri = `${ctx.base}/files/${job.fileId}:download?alt=media`;
  return json(200, { name, done: true, response: { "@type": responseType, generateVideoResponse: { generatedSamples: [{ video: { uri } }] } } });
}

async function download(req: Request, path: string, id: string, ctx: FakeContext): Promise<Response> {
  const { key, refusal } = authenticate(req, path);
  ctx.record({ method: "GET", path, key });
  if (refusal) return refusal;
  const bytes = ctx.jobs.get(`file:${id}`);
  if (!(bytes instanceof Uint8Array)) return googleError(404, "NOT_FOUND", `File files/${id} was not found.`);
  return new Response(bytes, { status: 200, headers: { "content-type": "video/mp4", "content-length": String(bytes.length) } });
}

export const googleFake: FakeHandler = async (req, path, ctx) => {
  const { pathname } = new URL(path, "http://fake");
  const method = /^\/models\/([\w.-]+):(generateContent|predict|predictLongRunning)$/.exec(pathname);
  if (req.method === "POST" && method) {
    const [, model, verb] = method;
    if (verb === "generateContent") return generateContent(req, path, model!, ctx);
    if (verb === "predict") return predict(req, path, model!, ctx);
    return predictLongRunning(req, path, model!, ctx);
  }
  const op = /^\/models\/([\w.-]+)\/operations\/(\w+)$/.exec(pathname);
  if (req.method === "GET" && op) return operation(req, path, op[1]!, op[2]!, ctx);
  const file = /^\/files\/(\w+):download$/.exec(pathname);
  if (req.method === "GET" && file) return download(req, path, file[1]!, ctx);
  ctx.record({ method: req.method, path, key: authenticate(req, path).key });
  return googleError(404, "NOT_FOUND", `The requested URL ${pathname} was not found on this server.`);
};
