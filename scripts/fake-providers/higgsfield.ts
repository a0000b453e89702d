// Higgsfield's platform API, faked as the varg SDK uses it: POST /v1/text2image/soul with
// {params: {prompt, width_and_height, …}} starts a job set; GET /v1/job-sets/{id} shows its one
// job queued → in_progress → completed over successive polls, with results.min and results.raw
// pointing at the image in the hub's file store. Auth is two headers, hf-api-key and hf-secret
// (recorded as "<api key>:<secret>", the form the adapter takes its key in). Errors are
// FastAPI's {detail}. Besides the hub's tokens, [fake:failed] ends the job "failed" and
// [fake:nsfw] ends it "nsfw".
import type { FakeContext, FakeHandler } from "./hub.ts";
import { colourOf, sizeFor, solidPng } from "./media.ts";

interface JobSet {
  id: string;
  type: string;
  created_at: string;
  params: Record<string, unknown>;
  jobs: Array<{ id: string; job_set_type: string; status: string; results: { min: { type: string; url: string }; raw: { type: string; url: string } } | null }>;
}

interface Job {
  set: JobSet;
  prompt: string;
  behaviour: string | null;
  polls: number;
}

const detail = (status: number, message: unknown, headers: Record<string, string> = {}) => Response.json({ detail: message }, { status, headers });

let nextId = 1;
const uuid = () => `00000000-0000-4000-8000-${(nextId++).toString(16).padStart(12, "0")}`;

/** "2048x1152" → pixels at the fake's small scale, same shape. */
function sizeOf(widthAndHeight: unknown): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(String(widthAndHeight));
  return sizeFor(m ? `${m[1]}:${m[2]}` : "1:1");
}

async function start(req: Request, path: string, key: string | null, bothHeaders: boolean, ctx: FakeContext): Promise<Response> {
  let params: Record<string, unknown> | null = null;
  try {
    const body = (await req.json()) as { params?: unknown };
    if (body?.params && typeof body.params === "object" && !Array.isArray(body.params)) params = body.params as Record<string, unknown>;
  } catch {
    ctx.record({ method: req.method, path, key, submit: true });
    return detail(422, [{ type: "json_invalid", loc: ["body"], msg: "JSON decode error" }]);
  }
  const prompt = typeof params?.prompt === "string" ? params.prompt : "";
  ctx.record({ method: req.method, path, key, prompt, submit: true });
  if (!bothHeaders) return detail(401, "Not authenticated");
  const behaviour: string | null = ctx.behaviour(prompt);
  if (key!.startsWith("bad-key") || behaviour === "401") return detail(401, "Invalid API key or secret");
  if (behaviour === "429") return detail(429, "Too many requests", { "Retry-After": "2" });
  if (behaviour === "402") return detail(402, "Not enough credits");
  if (behaviour === "500") return detail(500, "Internal server error");
  if (!params) return detail(422, [{ type: "missing", loc: ["body", "params"], msg: "Field required" }]);
  if (!prompt) return detail(422, [{ type: "missing", loc: ["body", "params", "prompt"], msg: "Field required" }]);
  if (behaviour === "malformed") return new Response('{"id": "oops", "jobs": [', { status: 200, headers: { "content-type": "application/json" } });
  const set: JobSet = {
    id: uuid(),
    type: "text2image_soul",
    created_at: new Date().toISOString(),
    params,
    jobs: [{ id: uuid(), job_set_type: "text2image_soul", status: "queued", results: null }],
  };
  ctx.jobs.set(set.id, { set, prompt, behaviour, polls: 0 } satisfies Job);
  return Response.json(set);
}

function advance(job: Job, ctx: FakeContext): void {
  const first = job.set.jobs[0]!;
  if (first.status !== "queued" && first.status !== "in_progress") return;
  job.polls++;
  if (job.behaviour === "slow" || job.polls === 1) return;
  if (job.polls === 2) {
    first.status = "in_progress";
    return;
  }
  if (job.behaviour === "failed" || job.behaviour === "nsfw") {
    first.status = job.behaviour;
    return;
  }
  first.status = "completed";
  if (job.behaviour === "empty") return;
  const { width, height } = sizeOf(job.set.params.width_and_height);
  const url = job.behaviour === "404" ? `${ctx.origin}/files/missing-${first.id}.png` : ctx.putFile(solidPng(width, height, colourOf(job.prompt)), "image/png", "png");
  first.results = { min: { type: "image/png", url }, raw: { type: "image/png", url } };
}

export const higgsfieldFake: FakeHandler = async (req, path, ctx) => {
  const apiKey = req.headers.get("hf-api-key");
  const secret = req.headers.get("hf-secret");
  const key = apiKey && secret ? `${apiKey}:${secret}` : apiKey || secret || null;
  const pathname = path.split("?")[0]!;
  if (req.method === "POST" && pathname === "/v1/text2image/soul") return start(req, path, key, Boolean(apiKey && secret), ctx);
  ctx.record({ method: req.method, path, key });
  const route = /^\/v1\/job-sets\/([^/]+)$/.exec(pathname);
  if (!route || req.method !== "GET") return detail(404, "Not Found");
  if (!apiKey || !secret) return detail(401, "Not authenticated");
  if (apiKey.startsWith("bad-key")) return detail(401, "Invalid API key or secret");
  const job = ctx.jobs.get(route[1]!) as Job | undefined;
  if (!job) return detail(404, "Job set not found");
  advance(job, ctx);
  return Response.json(job.set);
};
