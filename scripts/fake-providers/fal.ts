// fal's queue API, faked: POST /<endpoint id> queues a request and answers its status, response
// and cancel URLs (under the app, the endpoint's first two segments, as fal does); GET
// …/requests/<id>/status walks IN_QUEUE → IN_PROGRESS → COMPLETED over successive polls;
// GET …/requests/<id> answers the endpoint's output ({images: […]}, {video}, {audio},
// {audio_file}) pointing at real media in the hub's file store. Auth is `Authorization: Key <key>`.
// Besides the hub's tokens, [fake:failed] makes the request COMPLETE with an `error`, as fal
// reports a failed run. [fake:402] answers what fal answers an empty account: 403 "User is
// locked. Reason: Exhausted balance".
// Endpoints that take files besides images (FILE_RULES: lipsync, talking heads, audio-to-video,
// motion control, video edits and upscales) 422 without the file fields their fal schema
// requires, and answer a solid-colour video (the prompt's colour, else "talking head"'s). One
// made to a sound (audio_url) has an audio track and lasts `duration` when the input gives one,
// else as long as the sound decodes to (a data: URI, decoded with ffmpeg), else 2 s.
import { spawn } from "node:child_process";
import type { FakeContext, FakeHandler } from "./hub.ts";
import { colourOf, musicAudio, sizeFor, solidPng, solidVideo, speechAudio } from "./media.ts";

interface FalJob {
  endpoint: string;
  app: string;
  input: Record<string, unknown>;
  prompt: string;
  behaviour: string | null;
  polls: number;
  result?: Promise<Record<string, unknown>>;
}

type Kind = "image" | "video" | "speech" | "music";

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => Response.json(body, { status, headers });

/** What an endpoint makes, from its id (fal ids say it: …/text-to-video, …/tts/…). */
function kindOf(endpoint: string): Kind {
  if (/video|lipsync|omnihuman|fabric/.test(endpoint)) return "video";
  if (/tts|speech/.test(endpoint)) return "speech";
  if (/music|audio|lyria/.test(endpoint)) return "music";
  return "image";
}

const IMAGE_SIZE_RATIOS: Record<string, string> = { square: "1:1", square_hd: "1:1", landscape_4_3: "4:3", portrait_4_3: "3:4", landscape_16_9: "16:9", portrait_16_9: "9:16" };

function imageSize(input: Record<string, unknown>): { width: number; height: number } {
  const size = input.image_size;
  if (typeof size === "string" && IMAGE_SIZE_RATIOS[size]) return sizeFor(IMAGE_SIZE_RATIOS[size]);
  if (size && typeof size === "object" && "width" in size && "height" in size) return sizeFor(`${size.width}:${size.height}`);
  return sizeFor(typeof input.aspect_ratio === "string" ? input.aspect_ratio : undefined);
}

/** Seconds of media to make: what was asked (Kling sends "5"), kept short for tests. */
function secondsOf(input: Record<string, unknown>): number {
  const frames = Number(input.num_frames);
  const asked = frames > 0 ? frames / (Number(input.fps) || 25) : Number(input.duration);
  return Math.min(Number.isFinite(asked) && asked > 0 ? asked : 5, 10);
}

// The required fields of endpoints that take audio or video files (their fal schemas); a
// prompt is required only where listed.
const FILE_RULES: Array<[RegExp, string[]]> = [
  [/^fal-ai\/sync-lipsync(\/v\d+)?$/, ["video_url", "audio_url"]],
  [/^fal-ai\/bytedance\/omnihuman\//, ["image_url", "audio_url"]],
  [/^veed\/fabric-/, ["image_url", "audio_url", "resolution"]],
  [/\/audio-to-video$/, ["prompt", "audio_url"]],
  [/\/motion-control$/, ["image_url", "video_url"]],
  [/\/edit-video$|\/video-to-video\//, ["prompt", "video_url"]],
  [/\/upscale\/video$|video-upscaler/, ["video_url"]],
];
const FILE_TYPES: Record<string, string> = { image_url: "image", audio_url: "audio", video_url: "video" };

/** fal validates the input against the endpoint's schema and lists what is wrong in `detail`. */
function invalid(job: Pick<FalJob, "endpoint" | "input" | "prompt">): Array<Record<string, unknown>> {
  const wrong: Array<Record<string, unknown>> = [];
  const missing = (field: string) => wrong.push({ loc: ["body", field], msg: "field required", type: "value_error.missing" });
  const kind = kindOf(job.endpoint);
  const fileRule = FILE_RULES.find(([pattern]) => pattern.test(job.endpoint))?.[1];
  if (fileRule) {
    for (const field of fileRule) {
      const value = field === "prompt" ? job.prompt : job.input[field];
      const type = FILE_TYPES[field];
      if (typeof value !== "string" || !value) missing(field);
      else if (type && !new RegExp(`^(https?:|data:${type}/)`).test(value)) {
        wrong.push({ loc: ["body", field], msg: `must be a URL or a data:${type}/… URI`, type: "value_error" });
      }
    }
    return wrong;
  }
  if (!job.prompt && !job.endpoint.includes("multiple-angles")) missing(kind === "speech" ? "text" : "prompt");
  if (/image-to-video/.test(job.endpoint) && typeof job.input.image_url !== "string") missing("image_url");
  if (/\/edit$/.test(job.endpoint)) {
    const urls = job.input.image_urls ?? (job.input.image_url ? [job.input.image_url] : undefined);
    if (!Array.isArray(urls) || urls.length === 0) missing("image_urls");
    else if (!urls.every((u) => typeof u === "string" && /^(https?:|data:image\/)/.test(u))) {
      wrong.push({ loc: ["body", "image_urls"], msg: "must be URLs or data URIs", type: "value_error" });
    }
  }
  return wrong;
}

/** Seconds of a data: URI's audio, decoded with ffmpeg; undefined for URLs or what won't decode. */
function audioSeconds(url: unknown): Promise<number | undefined> {
  const m = typeof url === "string" ? /^data:[^,]*;base64,(.*)$/s.exec(url) : null;
  if (!m) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = spawn("ffmpeg", ["-hide_banner", "-i", "pipe:0", "-f", "null", "-"], { stdio: ["pipe", "ignore", "pipe"] });
    let log = "";
    child.stderr.on("data", (d: Buffer) => (log += d));
    child.on("error", () => resolve(undefined));
    child.stdin.on("error", () => {}); // ffmpeg may stop reading before the end
    child.on("close", () => {
      const t = [...log.matchAll(/time=(\d+):(\d+):(\d+(?:\.\d+)?)/g)].at(-1);
      const seconds = t ? Number(t[1]) * 3600 + Number(t[2]) * 60 + Number(t[3]) : NaN;
      resolve(seconds > 0 ? seconds : undefined);
    });
    child.stdin.end(Buffer.from(m[1]!, "base64"));
  });
}

/** Seconds of a video made to a sound: `duration` if given, else the sound's length, else 2 s. */
async function soundSeconds(input: Record<string, unknown>): Promise<number> {
  const asked = Number(input.duration);
  const seconds = asked > 0 ? asked : ((await audioSeconds(input.audio_url)) ?? 2);
  return Math.min(Math.round(seconds * 100) / 100, 10);
}

async function makeResult(job: FalJob, id: string, ctx: FakeContext): Promise<Record<string, unknown>> {
  const kind = kindOf(job.endpoint);
  if (job.behaviour === "empty") return kind === "image" ? { images: [], seed: 1 } : {};
  const store = (bytes: Uint8Array, type: string, ext: string) =>
    job.behaviour === "404" ? `${ctx.origin}/files/missing-${id}.${ext}` : ctx.putFile(bytes, type, ext);
  const colour = colourOf(job.prompt);
  switch (kind) {
    case "image": {
      const { width, height } = imageSize(job.input);
      const url = store(solidPng(width, height, colour), "image/png", "png");
      return { images: [{ url, width, height, content_type: "image/png" }], seed: 1, has_nsfw_concepts: [false], prompt: job.prompt };
    }
    case "video": {
      // Image-to-video sends no aspect ratio: the frame comes from the image (16:9 here).
      const { width, height } = sizeFor(typeof job.input.aspect_ratio === "string" ? job.input.aspect_ratio : undefined);
      const toSound = typeof job.input.audio_url === "string";
      const bytes = toSound
        ? await solidVideo(width, height, colourOf(job.prompt || "talking head"), await soundSeconds(job.input), true)
        : await solidVideo(width, height, colour, secondsOf(job.input), job.input.generate_audio === true);
      return { video: { url: store(bytes, "video/mp4", "mp4"), content_type: "video/mp4", file_name: "output.mp4", file_size: bytes.length } };
    }
    case "speech": {
      const bytes = await speechAudio(job.prompt);
      return { audio: { url: store(bytes, "audio/mpeg", "mp3"), content_type: "audio/mpeg" } };
    }
    case "music": {
      const bytes = await musicAudio(secondsOf(job.input));
      return { audio_file: { url: store(bytes, "audio/mpeg", "mp3"), content_type: "audio/mpeg" } };
    }
  }
}

function urlsOf(job: FalJob, id: string, ctx: FakeContext) {
  const request = `${ctx.base}/${job.app}/requests/${id}`;
  return { request_id: id, response_url: request, status_url: `${request}/status`, cancel_url: `${request}/cancel` };
}

let nextId = 1;

const keyOf = (authorization: string | null) => (authorization?.startsWith("Key ") ? authorization.slice(4) : null);

async function submit(req: Request, path: string, authorization: string | null, ctx: FakeContext): Promise<Response> {
  const endpoint = path.split("?")[0]!.replace(/^\/+/, "");
  let input: Record<string, unknown> = {};
  try {
    const body: unknown = await req.json();
    if (body && typeof body === "object" && !Array.isArray(body)) input = body as Record<string, unknown>;
  } catch {
    ctx.record({ method: req.method, path, key: authorization, submit: true });
    return json({ detail: [{ loc: ["body"], msg: "Expecting value: invalid JSON", type: "value_error.jsondecode" }] }, 422);
  }
  const text = [input.prompt, input.text, input.additional_prompt].find((t) => typeof t === "string" && t) as string | undefined;
  const prompt = text ?? "";
  ctx.record({ method: req.method, path, key: authorization, prompt, submit: true });
  if (!keyOf(authorization)) return json({ detail: "Missing authorization header" }, 401);
  const behaviour: string | null = ctx.behaviour(prompt);
  if (keyOf(authorization) === "bad-key" || behaviour === "401") return json({ detail: "No user found for Key ID and Secret" }, 401);
  if (behaviour === "429") return json({ detail: "Too many concurrent requests; please retry later" }, 429, { "Retry-After": "2" });
  if (behaviour === "402") return json({ detail: "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing." }, 403);
  if (behaviour === "500") return json({ detail: "Internal Server Error" }, 500);
  const app = endpoint.split("/").slice(0, 2).join("/");
  if (endpoint.split("/").length < 2) return json({ detail: `Application '${endpoint}' not found` }, 404);
  const wrong = invalid({ endpoint, input, prompt });
  if (wrong.length) return json({ detail: wrong }, 422);
  if (behaviour === "malformed") return new Response('{"request_id": "oops", "status_url": ', { status: 200, headers: { "content-type": "application/json" } });
  const id = `fake-${nextId++}-${Date.now().toString(36)}`;
  const job: FalJob = { endpoint, app, input, prompt, behaviour, polls: 0 };
  ctx.jobs.set(id, job);
  return json({ status: "IN_QUEUE", ...urlsOf(job, id, ctx), queue_position: 0 });
}

export const falFake: FakeHandler = async (req, path, ctx) => {
  // Recorded as sent ("Key <key>"); the key itself is what follows the scheme.
  const authorization = req.headers.get("authorization");
  const route = /^\/([^/]+\/[^/]+)\/requests\/([^/?]+)(\/status|\/cancel)?(?:\?.*)?$/.exec(path);
  if (req.method === "POST" && !route) return submit(req, path, authorization, ctx);
  ctx.record({ method: req.method, path, key: authorization });
  if (!route) return json({ detail: "Not Found" }, 404);
  if (!keyOf(authorization)) return json({ detail: "Missing authorization header" }, 401);
  if (keyOf(authorization) === "bad-key") return json({ detail: "No user found for Key ID and Secret" }, 401);
  const [, app, id, action] = route as unknown as [string, string, string, string | undefined];
  const job = ctx.jobs.get(id) as FalJob | undefined;
  if (!job || job.app !== app) return json({ detail: `Request ${id} not found` }, 404);

  // Done once a status poll has said COMPLETED (the third), as a real run is done when it is.
  const completed = () => job.behaviour !== "slow" && job.polls >= 3;
  if (action === "/cancel" && req.method === "PUT") {
    return completed() ? json({ status: "ALREADY_COMPLETED" }, 400) : json({ status: "CANCELLATION_REQUESTED" }, 202);
  }
  if (req.method !== "GET") return json({ detail: "Method Not Allowed" }, 405);
  const failed = job.behaviour === "failed";
  if (action === "/status") {
    job.polls++;
    const urls = urlsOf(job, id, ctx);
    if (job.behaviour === "slow" || job.polls === 1) return json({ status: "IN_QUEUE", queue_position: 0, ...urls, logs: null });
    if (job.polls === 2) return json({ status: "IN_PROGRESS", ...urls, logs: [] });
    const error = failed ? { error: "Internal error while running the model: CUDA out of memory", error_type: "runner_error" } : {};
    return json({ status: "COMPLETED", ...urls, logs: [], metrics: { inference_time: 0.1 }, ...error });
  }
  if (!completed()) return json({ detail: "Request is still in progress" }, 400);
  if (failed) return json({ detail: "Internal error while running the model: CUDA out of memory" }, 500);
  job.result ??= makeResult(job, id, ctx);
  return json(await job.result);
};
