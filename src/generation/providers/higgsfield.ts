// Higgsfield's platform API, as the varg SDK calls it (src/ai-sdk/providers/higgsfield.ts):
// POST /v1/text2image/soul with {params} starts a job set; GET /v1/job-sets/{id} is polled
// until its first job is completed (results.min / results.raw hold the image URL), failed or
// flagged nsfw. It authenticates with two headers, hf-api-key and hf-secret; the service holds
// one key per provider, so the Higgsfield key is written "<api key>:<secret>" (split at the
// first colon). The SDK offers images only, from its one model, Soul.
import { ProviderError, type GenerationKind, type GenerationRequest, type ProviderAdapter, type ProviderContext } from "../types.ts";
import { downloadResult, fetchJson, pollUntil, quote } from "./http.ts";

const PROVIDER = "higgsfield";

const IMAGE_MODELS: Record<string, string> = { soul: "/v1/text2image/soul" };
const DEFAULT_IMAGE_MODEL = "soul";

// Soul's sizes per aspect ratio; anything else falls back to square, as in the SDK.
const ASPECT_RATIO_TO_SIZE: Record<string, string> = {
  "1:1": "1536x1536",
  "16:9": "2048x1152",
  "9:16": "1152x2048",
  "4:3": "2048x1536",
  "3:4": "1536x2048",
};

// The SDK's model settings (`higgsfield.imageModel("soul", {styleId})`) under their API names.
const OPTION_NAMES: Record<string, string> = { styleId: "style_id", enhancePrompt: "enhance_prompt" };

function unsupported(kind: GenerationKind, model: string): string | null {
  if (kind !== "image") return `higgsfield offers images only (model ${Object.keys(IMAGE_MODELS).join(", ")}), not ${kind}`;
  if (model && !IMAGE_MODELS[model]) return `higgsfield has no image model "${model}"; the one it offers is ${Object.keys(IMAGE_MODELS).join(", ")}`;
  return null;
}

function endpointFor(request: GenerationRequest): string {
  return (IMAGE_MODELS[request.model || DEFAULT_IMAGE_MODEL] ?? request.model).replace(/^\/v1\//, "");
}

/** The two credentials in the one key string. Never quoted: an error says only what is wrong. */
function credentials(key: string): { apiKey: string; secret: string } {
  const colon = key.indexOf(":");
  if (colon <= 0 || colon === key.length - 1) {
    throw new ProviderError(`higgsfield needs its key as "<api key>:<secret>" (its API takes both); the key given has no secret part`);
  }
  return { apiKey: key.slice(0, colon), secret: key.slice(colon + 1) };
}

function paramsFor(request: GenerationRequest): Record<string, unknown> {
  const params: Record<string, unknown> = {
    prompt: request.prompt,
    width_and_height: ASPECT_RATIO_TO_SIZE[request.aspectRatio ?? ""] ?? ASPECT_RATIO_TO_SIZE["1:1"],
    enhance_prompt: false,
    quality: "1080p",
    batch_size: 1,
  };
  // Soul makes images from text alone: input images are not sent (the SDK ignores them too).
  const options = request.options;
  if (typeof options === "object" && options !== null && !Array.isArray(options)) {
    for (const [name, value] of Object.entries(options)) {
      if (value !== null && value !== undefined) params[OPTION_NAMES[name] ?? name] = value;
    }
  }
  return params;
}

interface JobSet {
  id?: string;
  jobs?: Array<{ status?: string; results?: { min?: { url?: string; type?: string }; raw?: { url?: string; type?: string } } | null }>;
}

const PENDING = new Set(["queued", "in_progress", "pending", "processing"]);

async function generate(request: GenerationRequest, ctx: ProviderContext) {
  const refused = unsupported(request.kind, request.model);
  if (refused) throw new ProviderError(refused);
  const { apiKey, secret } = credentials(ctx.key);
  const path = IMAGE_MODELS[request.model || DEFAULT_IMAGE_MODEL]!;
  const endpoint = endpointFor(request);
  const what = `image generation with ${endpoint}`;
  const auth = { "hf-api-key": apiKey, "hf-secret": secret, Accept: "application/json" };

  const created = await fetchJson<JobSet>(ctx, PROVIDER, what, `${ctx.baseUrl}${path}`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ params: paramsFor(request) }),
  });
  const id = typeof created?.id === "string" ? created.id : undefined;
  if (!id) throw new ProviderError(`higgsfield started ${what} without a job set id`);

  const job = await pollUntil(ctx, PROVIDER, what, async () => {
    const set = await fetchJson<JobSet>(ctx, PROVIDER, what, `${ctx.baseUrl}/v1/job-sets/${encodeURIComponent(id)}`, { headers: auth });
    const first = Array.isArray(set?.jobs) ? set.jobs[0] : undefined;
    if (!first) throw new ProviderError(`higgsfield answered ${what} with a job set without jobs`);
    return PENDING.has(String(first.status)) ? undefined : first;
  });
  if (job.status === "nsfw") throw new ProviderError(`higgsfield refused ${what}: the result was flagged NSFW`);
  if (job.status !== "completed") throw new ProviderError(`higgsfield reported ${what} ${quote(String(job.status ?? "without a status"))}`);

  // The SDK takes `min` first, then `raw`.
  const result = job.results?.min?.url ? job.results.min : job.results?.raw;
  const file = await downloadResult(ctx, PROVIDER, what, result?.url);
  const labelled = result?.type && result.type.includes("/") ? result.type : undefined;
  return { bytes: file.bytes, mediaType: labelled || file.contentType || "image/png", endpoint };
}

export const higgsfieldAdapter: ProviderAdapter = { name: PROVIDER, unsupported, endpointFor, generate };
