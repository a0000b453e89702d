// Replicate's predictions API, faked: POST /models/{owner}/{name}/predictions (official models)
// or POST /predictions with a version create a prediction (201); GET /predictions/{id} walks
// starting → processing → succeeded over successive polls; POST /predictions/{id}/cancel
// cancels. Auth is `Authorization: Bearer <token>`; errors are Replicate's problem JSON
// ({title, detail, status}). Output is a list of URLs for images (as Flux answers) and one URL
// otherwise, served from the hub's file store. The kind comes from the model's name (…video…,
// …speech…, …music…); a prediction by bare version id is speech when it has `text`, video when
// it has a `duration`, else an image. Besides the hub's tokens, [fake:failed] makes the
// prediction end "failed" with an error.
import type { FakeContext, FakeHandler } from "./hub.ts";
import { colourOf, musicAudio, sizeFor, solidPng, solidVideo, speechAudio } from "./media.ts";

type Kind = "image" | "video" | "speech" | "music";

interface Prediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  status: "starting" | "processing" | "succeeded" | "failed" | "canceled";
  output: unknown;
  error: string | null;
  logs: string;
  data_removed: boolean;
  created_at: string;
  completed_at?: string;
  urls: { get: string; cancel: string; web: string };
}

interface Job {
  prediction: Prediction;
  kind: Kind;
  prompt: string;
  behaviour: string | null;
  polls: number;
  output?: Promise<unknown>;
}

const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
  Response.json({ title, detail, status }, { status, headers: { "content-type": "application/problem+json", ...headers } });

function kindOf(model: string, input: Record<string, unknown>): Kind {
  if (/speech|tts|kokoro|xtts|voice/i.test(model)) return "speech";
  if (/music|lyria|riffusion|audio/i.test(model)) return "music";
  if (/video|kling|hailuo|wan-|ltx|luma|veo|seedance|sora/i.test(model)) return "video";
  if (model) return "image";
  if (typeof input.text === "string") return "speech";
  return input.duration !== undefined ? "video" : "image";
}

function secondsOf(input: Record<string, unknown>): number {
  const asked = Number(input.duration);
  return Math.min(Number.isFinite(asked) && asked > 0 ? asked : 5, 10);
}

async function makeOutput(job: Job, ctx: FakeContext): Promise<unknown> {
  if (job.behaviour === "empty") return null;
  const { input } = job.prediction;
  const store = (bytes: Uint8Array, type: string, ext: string) =>
    job.behaviour === "404" ? `${ctx.origin}/files/missing-${job.prediction.id}.${ext}` : ctx.putFile(bytes, type, ext);
  const colour = colourOf(job.prompt);
  const { width, height } = sizeFor(typeof input.aspect_ratio === "string" ? input.aspect_ratio : undefined);
  switch (job.kind) {
    case "image":
      return [store(solidPng(width, height, colour), "image/png", "png")];
    case "video":
      return store(await solidVideo(width, height, colour, secondsOf(input)), "video/mp4", "mp4");
    case "speech":
      return store(await speechAudio(job.prompt), "audio/mpeg", "mp3");
    case "music":
      return store(await musicAudio(secondsOf(input)), "audio/mpeg", "mp3");
  }
}

let nextId = 1;

const tokenOf = (authorization: string | null) => /^(?:Bearer|Token) (.+)$/.exec(authorization ?? "")?.[1] ?? null;

async function create(req: Request, path: string, authorization: string | null, ctx: FakeContext, model: string | null): Promise<Response> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await req.json();
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    ctx.record({ method: req.method, path, key: authorization, submit: true });
    return problem(400, "Invalid JSON", "The request body is not valid JSON");
  }
  const input = body.input && typeof body.input === "object" && !Array.isArray(body.input) ? (body.input as Record<string, unknown>) : null;
  const text = [input?.prompt, input?.text].find((t) => typeof t === "string" && t) as string | undefined;
  const prompt = text ?? "";
  ctx.record({ method: req.method, path, key: authorization, prompt, submit: true });
  if (!tokenOf(authorization)) return problem(401, "Unauthenticated", "You did not pass an authentication token");
  const behaviour: string | null = ctx.behaviour(prompt);
  if (tokenOf(authorization) === "bad-key" || behaviour === "401") return problem(401, "Unauthenticated", "You did not pass a valid authentication token");
  if (behaviour === "429") return problem(429, "Request was throttled", "Request was throttled. Your rate limit resets in ~2s.", { "Retry-After": "2" });
  if (behaviour === "402") {
    return problem(402, "Insufficient credit", "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.");
  }
  if (behaviour === "500") return problem(500, "Internal Server Error", "Something went wrong on our end");
  const version = model === null ? body.version : undefined;
  if (model === null && (typeof version !== "string" || !version)) return problem(422, "Input validation failed", "- version: version is required");
  if (!input) return problem(422, "Input validation failed", "- input: input is required");
  if (!text) {
    const field = kindOf(model ?? "", input) === "speech" ? "text" : "prompt";
    return Response.json(
      { title: "Input validation failed", detail: `- input: ${field} is required`, status: 422, invalid_fields: [{ type: "required", field: "input", description: `${field} is required` }] },
      { status: 422 },
    );
  }
  if (behaviour === "malformed") return new Response('{"id": "oops", "status": "starting", "urls": {', { status: 200, headers: { "content-type": "application/json" } });

  const id = `fake${nextId++}${Date.now().toString(36)}`;
  const prediction: Prediction = {
    id,
    model: model ?? "",
    version: typeof version === "string" ? version : "hidden",
    input,
    status: "starting",
    output: null,
    error: null,
    logs: "",
    data_removed: false,
    created_at: new Date().toISOString(),
    urls: { get: `${ctx.base}/predictions/${id}`, cancel: `${ctx.base}/predictions/${id}/cancel`, web: `https://replicate.com/p/${id}` },
  };
  ctx.jobs.set(id, { prediction, kind: kindOf(model ?? "", input), prompt, behaviour, polls: 0 } satisfies Job);
  return Response.json(prediction, { status: 201 });
}

/** Moves a prediction on by one poll: starting, processing, then its outcome. */
async function advance(job: Job, ctx: FakeContext): Promise<void> {
  const p = job.prediction;
  if (p.status !== "starting" && p.status !== "processing") return;
  job.polls++;
  if (job.polls === 1) return;
  if (job.polls === 2 || job.behaviour === "slow") {
    p.status = "processing";
    return;
  }
  if (job.behaviour === "failed") {
    p.status = "failed";
    p.error = "CUDA out of memory. Tried to allocate 2.00 GiB";
  } else {
    job.output ??= makeOutput(job, ctx);
    p.output = await job.output;
    p.status = "succeeded";
  }
  p.completed_at = new Date().toISOString();
}

export const replicateFake: FakeHandler = async (req, path, ctx) => {
  // Recorded as sent ("Bearer <token>"); the token itself is what follows the scheme.
  const authorization = req.headers.get("authorization");
  const pathname = path.split("?")[0]!;
  const official = /^\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(pathname);
  if (req.method === "POST" && official) return create(req, path, authorization, ctx, `${official[1]}/${official[2]}`);
  if (req.method === "POST" && pathname === "/predictions") return create(req, path, authorization, ctx, null);
  ctx.record({ method: req.method, path, key: authorization });
  const route = /^\/predictions\/([^/]+)(\/cancel)?$/.exec(pathname);
  if (!route) return problem(404, "Not found", "The requested resource could not be found");
  if (!tokenOf(authorization)) return problem(401, "Unauthenticated", "You did not pass an authentication token");
  if (tokenOf(authorization) === "bad-key") return problem(401, "Unauthenticated", "You did not pass a valid authentication token");
  const job = ctx.jobs.get(route[1]!) as Job | undefined;
  if (!job) return problem(404, "Not found", "The requested prediction could not be found");
  if (route[2]) {
    if (req.method !== "POST") return problem(405, "Method not allowed", "Use POST");
    if (job.prediction.status === "starting" || job.prediction.status === "processing") job.prediction.status = "canceled";
    return Response.json(job.prediction);
  }
  if (req.method !== "GET") return problem(405, "Method not allowed", "Use GET");
  await advance(job, ctx);
  return Response.json(job.prediction);
};
