// OpenAI's public API, as much of it as the adapter uses: images (generations, edits), speech,
// transcriptions with word timestamps, and Sora videos (create, retrieve, content). Errors have
// OpenAI's shape, `{error: {message, type, param, code}}`; like OpenAI, a rejected key is echoed
// in the message (masked when long) and an exhausted balance is HTTP 429 "insufficient_quota".
// Besides the hub's tokens, `[fake:no-words]` in spoken text makes its transcription fail.
import { createHash, randomBytes } from "node:crypto";
import type { FakeContext, FakeHandler } from "./hub.ts";
import { colourOf, sizeFor, solidPng, solidVideo, speechAudio, speechTimings, GAP_SECONDS } from "./media.ts";

const IMAGE_SIZES: Record<string, string[]> = {
  "dall-e-2": ["256x256", "512x512", "1024x1024"],
  "dall-e-3": ["1024x1024", "1792x1024", "1024x1792"],
  gpt: ["1024x1024", "1536x1024", "1024x1536", "auto"],
};
const VOICES = ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar"];
const SORA_SECONDS = ["4", "8", "12"];
const SORA_SIZES: Record<string, string[]> = {
  "sora-2": ["720x1280", "1280x720"],
  "sora-2-pro": ["720x1280", "1280x720", "1024x1792", "1792x1024"],
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

function apiError(status: number, message: string, type: string, code: string | null, param: string | null = null, headers?: Record<string, string>): Response {
  return json(status, { error: { message, type, param, code } }, headers);
}

const missing = (param: string) => apiError(400, `Missing required parameter: '${param}'.`, "invalid_request_error", "missing_required_parameter", param);
const invalid = (param: string, value: unknown, allowed: string[]) =>
  apiError(400, `Invalid value: '${String(value)}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(", ")}.`, "invalid_request_error", "invalid_value", param);

/** OpenAI shows a rejected key in full when short, else its first and last characters. */
function rejectedKey(key: string): Response {
  const shown = key.length <= 8 ? key : `${key.slice(0, 3)}${"*".repeat(key.length - 7)}${key.slice(-4)}`;
  return apiError(401, `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_request_error", "invalid_api_key");
}

/**
 * The Authorization value as sent (what the call log records), its bearer token, and the 401
 * OpenAI answers without a usable one.
 */
function authenticate(req: Request): { sent: string | null; token: string; refusal: Response | null } {
  const sent = req.headers.get("authorization");
  const token = /^Bearer\s+(\S+)$/i.exec(sent ?? "")?.[1] ?? "";
  if (!token) {
    return {
      sent,
      token,
      refusal: apiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", null),
    };
  }
  return { sent, token, refusal: token === "bad-key" ? rejectedKey(token) : null };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as unknown as { unref?: () => void };
    timer.unref?.(); // a test that gave up must not wait for the fake
  });
}

type Trouble = "empty" | "404" | "500" | "slow";

/** An immediate error answer for a misbehaviour token, or what the route must do itself. */
async function misbehave(text: string, key: string, ctx: FakeContext, options: { waitWhenSlow: boolean }): Promise<Response | Trouble | null> {
  const behaviour = ctx.behaviour(text);
  switch (behaviour) {
    case "429":
      return apiError(429, "Rate limit reached for requests per min (RPM): Limit 5, Used 5, Requested 1. Please try again in 2s.", "requests", "rate_limit_exceeded", null, { "retry-after": "2" });
    case "402":
      return apiError(429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota");
    case "401":
      return rejectedKey(key);
    case "malformed":
      return new Response('{"created": 1718000000, "data": [{"b64_json": "iVBORw0KGgo', { status: 200, headers: { "content-type": "application/json" } });
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

const serverError = () => apiError(500, "The server had an error while processing your request. Sorry about that!", "server_error", null);

async function jsonBody(req: Request): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await req.json();
    return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const unparsable = () => apiError(400, "We could not parse the JSON body of your request.", "invalid_request_error", null);

function isImage(bytes: Uint8Array): boolean {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const webp = bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57 && bytes[9] === 0x45;
  return png || jpeg || webp;
}

/** A solid PNG of the colour the prompt names, shaped like the requested size. */
function pngFor(prompt: string, size: string): Uint8Array {
  const [w, h] = size === "auto" ? [1, 1] : size.split("x").map(Number);
  const { width, height } = sizeFor(`${w}:${h}`);
  return solidPng(width, height, colourOf(prompt));
}

function imagesAnswer(ctx: FakeContext, model: string, prompt: string, size: string, format: string | undefined, trouble: Trouble | null): Response {
  const created = Math.floor(Date.now() / 1000);
  if (trouble === "empty") return json(200, { created, data: [] });
  if (trouble === "404") return json(200, { created, data: [{ url: `${ctx.origin}/files/expired-${randomBytes(4).toString("hex")}.png` }] });
  const png = pngFor(prompt, size);
  const extra = model === "dall-e-3" ? { revised_prompt: prompt } : {};
  if (model.startsWith("dall-e") && format !== "b64_json") return json(200, { created, data: [{ url: ctx.putFile(png, "image/png", "png"), ...extra }] });
  return json(200, { created, data: [{ b64_json: Buffer.from(png).toString("base64"), ...extra }], ...(model.startsWith("dall-e") ? {} : { output_format: "png", size }) });
}

function imageModelProblem(model: unknown): Response | null {
  if (typeof model !== "string" || !(model.startsWith("gpt-image-") || model === "dall-e-2" || model === "dall-e-3")) {
    return apiError(400, `Invalid value: '${String(model)}'. Value must be one of 'dall-e-2', 'dall-e-3', 'gpt-image-1', 'gpt-image-1-mini'.`, "invalid_request_error", "invalid_value", "model");
  }
  return null;
}

const sizesOf = (model: string) => IMAGE_SIZES[model] ?? IMAGE_SIZES.gpt!;

async function generations(req: Request, path: string, ctx: FakeContext): Promise<Response> {
  const { sent: key, token, refusal } = authenticate(req);
  const body = await jsonBody(req);
  const prompt = typeof body?.prompt === "string" ? body.prompt : undefined;
  ctx.record({ method: "POST", path, key, prompt, submit: true });
  if (refusal) return refusal;
  if (!body) return unparsable();
  if (!prompt) return missing("prompt");
  const model = body.model ?? "dall-e-2";
  const modelProblem = imageModelProblem(model);
  if (modelProblem) return modelProblem;
  const name = model as string;
  if (!name.startsWith("dall-e") && body.response_format !== undefined) {
    return apiError(400, "Unknown parameter: 'response_format'.", "invalid_request_error", "unknown_parameter", "response_format");
  }
  const size = body.size ?? (name.startsWith("dall-e") ? "1024x1024" : "auto");
  if (typeof size !== "string" || !sizesOf(name).includes(size)) return invalid("size", size, sizesOf(name));
  if (body.n !== undefined && body.n !== 1) return invalid("n", body.n, ["1"]);
  const trouble = await misbehave(prompt, token, ctx, { waitWhenSlow: true });
  if (trouble instanceof Response) return trouble;
  if (trouble === "500") return serverError();
  return imagesAnswer(ctx, name, prompt, size, typeof body.response_format === "string" ? body.response_format : undefined, trouble);
}

async function formBody(req: Request): Promise<FormData | null> {
  try {
    return await req.formData();
  } catch {
    return null;
  }
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

async function edits(req: Request, path: string, ctx: FakeContext): Promise<Response> {
  const { sent: key, token, refusal } = authenticate(req);
  const form = await formBody(req);
  const prompt = form ? text(form, "prompt") : undefined;
  ctx.record({ method: "POST", path, key, prompt, submit: true });
  if (refusal) return refusal;
  if (!form) return apiError(400, "The edits endpoint takes multipart/form-data.", "invalid_request_error", null);
  if (!prompt) return missing("prompt");
  const model = text(form, "model") ?? "dall-e-2";
  const modelProblem = imageModelProblem(model);
  if (modelProblem) return modelProblem;
  const files = [...form.getAll("image[]"), ...form.getAll("image")];
  if (files.length === 0) return missing("image");
  if (model === "dall-e-2" && files.length > 1) return apiError(400, "dall-e-2 edits exactly one image.", "invalid_request_error", "invalid_value", "image");
  for (const [i, file] of files.entries()) {
    if (typeof file === "string" || !isImage(new Uint8Array(await file.arrayBuffer()))) {
      return apiError(400, `Invalid image file or mode for image ${i + 1}, please check your image file.`, "invalid_request_error", "invalid_image_file", "image");
    }
  }
  const size = text(form, "size") ?? (model.startsWith("dall-e") ? "1024x1024" : "auto");
  if (!sizesOf(model).includes(size)) return invalid("size", size, sizesOf(model));
  const trouble = await misbehave(prompt, token, ctx, { waitWhenSlow: true });
  if (trouble instanceof Response) return trouble;
  if (trouble === "500") return serverError();
  return imagesAnswer(ctx, model, prompt, size, text(form, "response_format"), trouble);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function speech(req: Request, path: string, ctx: FakeContext): Promise<Response> {
  const { sent: key, token, refusal } = authenticate(req);
  const body = await jsonBody(req);
  const input = typeof body?.input === "string" ? body.input : undefined;
  ctx.record({ method: "POST", path, key, prompt: input, submit: true });
  if (refusal) return refusal;
  if (!body) return unparsable();
  if (!body.model) return missing("model");
  if (!input) return missing("input");
  if (input.length > 4096) return apiError(400, "Input is longer than 4096 characters.", "invalid_request_error", "string_above_max_length", "input");
  if (!body.voice) return missing("voice");
  if (typeof body.voice !== "string" || !VOICES.includes(body.voice)) return invalid("voice", body.voice, VOICES);
  const format = body.response_format ?? "mp3";
  if (format !== "mp3" && format !== "wav") return invalid("response_format", format, ["mp3", "wav"]);
  const trouble = await misbehave(input, token, ctx, { waitWhenSlow: true });
  if (trouble instanceof Response) return trouble;
  if (trouble === "500" || trouble === "404") return serverError(); // speech answers bytes, never a URL
  const type = format === "mp3" ? "audio/mpeg" : "audio/wav";
  if (trouble === "empty") return new Response(new Uint8Array(), { status: 200, headers: { "content-type": type } });
  const audio = await speechAudio(input, format);
  // Transcription gets only the audio: remember what it says.
  ctx.jobs.set(`speech:${sha256(audio)}`, input);
  return new Response(audio, { status: 200, headers: { "content-type": type } });
}

async function transcriptions(req: Request, path: string, ctx: FakeContext): Promise<Response> {
  const { sent: key, refusal } = authenticate(req);
  const form = await formBody(req);
  ctx.record({ method: "POST", path, key });
  if (refusal) return refusal;
  if (!form) return apiError(400, "The transcriptions endpoint takes multipart/form-data.", "invalid_request_error", null);
  const file = form.get("file");
  if (!file || typeof file === "string") return missing("file");
  const model = text(form, "model");
  if (!model) return missing("model");
  const format = text(form, "response_format") ?? "json";
  if (model !== "whisper-1" && format === "verbose_json") {
    return apiError(400, `response_format 'verbose_json' is not compatible with model '${model}'. Use 'json' or 'text' instead.`, "invalid_request_error", "unsupported_value", "response_format");
  }
  const spoken = ctx.jobs.get(`speech:${sha256(new Uint8Array(await file.arrayBuffer()))}`);
  const said = typeof spoken === "string" ? spoken : "";
  if (said.includes("[fake:no-words]")) return serverError();
  if (format === "text") return new Response(said, { headers: { "content-type": "text/plain" } });
  if (format !== "verbose_json") return json(200, { text: said });
  const timings = speechTimings(said);
  const granularities = form.getAll("timestamp_granularities[]");
  return json(200, {
    task: "transcribe",
    language: "english",
    duration: timings.length ? timings.at(-1)!.end + GAP_SECONDS : 0,
    text: said,
    ...(granularities.includes("word") ? { words: timings } : {}),
    segments: [],
  });
}

interface SoraJob {
  id: string;
  model: string;
  prompt: string;
  seconds: string;
  size: string;
  trouble: Trouble | null;
  polls: number;
  createdAt: number;
}

function videoObject(job: SoraJob, status: string, progress: number): Record<string, unknown> {
  const failed = status === "failed";
  return {
    id: job.id,
    object: "video",
    created_at: job.createdAt,
    status,
    model: job.model,
    progress,
    seconds: job.seconds,
    size: job.size,
    quality: "standard",
    remixed_from_video_id: null,
    completed_at: status === "completed" || failed ? job.createdAt + 60 : null,
    error: failed ? { code: "internal_error", message: "Video generation failed due to an internal error." } : null,
  };
}

/** Queued until the first retrieve, in progress on it, settled on the next (unless slow). */
function statusOf(job: SoraJob): { status: string; progress: number } {
  if (job.polls === 0) return { status: "queued", progress: 0 };
  if (job.trouble === "slow") return { status: "in_progress", progress: Math.min(99, job.polls * 5) };
  if (job.polls === 1) return { status: "in_progress", progress: 50 };
  return job.trouble === "500" ? { status: "failed", progress: 50 } : { status: "completed", progress: 100 };
}

async function createVideo(req: Request, path: string, ctx: FakeContext): Promise<Response> {
  const { sent: key, token, refusal } = authenticate(req);
  // The API takes multipart (needed for input_reference) or JSON.
  const isJson = (req.headers.get("content-type") ?? "").includes("json");
  const fields: Record<string, unknown> = isJson ? ((await jsonBody(req)) ?? {}) : Object.fromEntries((await formBody(req))?.entries() ?? []);
  const prompt = typeof fields.prompt === "string" ? fields.prompt : undefined;
  ctx.record({ method: "POST", path, key, prompt, submit: true });
  if (refusal) return refusal;
  if (!prompt) return missing("prompt");
  const model = String(fields.model ?? "sora-2");
  if (!SORA_SIZES[model]) return invalid("model", model, Object.keys(SORA_SIZES));
  const seconds = String(fields.seconds ?? "4");
  if (!SORA_SECONDS.includes(seconds)) return invalid("seconds", seconds, SORA_SECONDS);
  const size = String(fields.size ?? "720x1280");
  if (!SORA_SIZES[model]!.includes(size)) return invalid("size", size, SORA_SIZES[model]!);
  const reference = fields.input_reference;
  if (reference !== undefined && (typeof reference === "string" || !isImage(new Uint8Array(await (reference as Blob).arrayBuffer())))) {
    return apiError(400, "input_reference must be an image file (JPEG, PNG or WEBP).", "invalid_request_error", "invalid_value", "input_reference");
  }
  const trouble = await misbehave(prompt, token, ctx, { waitWhenSlow: false });
  if (trouble instanceof Response) return trouble;
  const job: SoraJob = { id: `video_${randomBytes(12).toString("hex")}`, model, prompt, seconds, size, trouble, polls: 0, createdAt: Math.floor(Date.now() / 1000) };
  ctx.jobs.set(job.id, job);
  return json(200, videoObject(job, "queued", 0));
}

async function videoRoute(req: Request, path: string, ctx: FakeContext, id: string, content: boolean): Promise<Response> {
  const { sent: key, refusal } = authenticate(req);
  ctx.record({ method: req.method, path, key });
  if (refusal) return refusal;
  const job = ctx.jobs.get(id) as SoraJob | undefined;
  if (!job || typeof job !== "object" || !("polls" in job)) return apiError(404, `Video with id '${id}' not found.`, "invalid_request_error", "video_not_found", "video_id");
  if (!content) {
    job.polls++;
    const { status, progress } = statusOf(job);
    return json(200, videoObject(job, status, progress));
  }
  if (statusOf(job).status !== "completed") return apiError(400, "Video is not ready yet; wait until its status is 'completed'.", "invalid_request_error", "video_not_ready");
  if (job.trouble === "404") return apiError(404, `Content for video '${id}' not found.`, "invalid_request_error", "not_found");
  if (job.trouble === "empty") return new Response(new Uint8Array(), { status: 200, headers: { "content-type": "video/mp4" } });
  const [w, h] = job.size.split("x").map(Number);
  const { width, height } = sizeFor(`${w}:${h}`);
  const mp4 = await solidVideo(width, height, colourOf(job.prompt), Number(job.seconds));
  return new Response(mp4, { status: 200, headers: { "content-type": "video/mp4" } });
}

export const openaiFake: FakeHandler = async (req, path, ctx) => {
  const { pathname } = new URL(path, "http://fake");
  const route = `${req.method} ${pathname}`;
  if (route === "POST /images/generations") return generations(req, path, ctx);
  if (route === "POST /images/edits") return edits(req, path, ctx);
  if (route === "POST /audio/speech") return speech(req, path, ctx);
  if (route === "POST /audio/transcriptions") return transcriptions(req, path, ctx);
  if (route === "POST /videos") return createVideo(req, path, ctx);
  const video = /^\/videos\/([^/]+)(\/content)?$/.exec(pathname);
  if (req.method === "GET" && video) return videoRoute(req, path, ctx, decodeURIComponent(video[1]!), Boolean(video[2]));
  ctx.record({ method: req.method, path, key: authenticate(req).sent });
  return apiError(404, `Invalid URL (${req.method} /v1${pathname})`, "invalid_request_error", null);
};
