// Request and response shapes of the HyperFrames dialect: one source for validation and types.
import { z } from "zod";
import { normaliseSha256 } from "../../lib/hash.ts";
import { AspectRatio, OutputFormat, Quality, Resolution, RenderStatus } from "../../jobs/render-state.ts";
import { isZipMediaType, ZIP_MEDIA_TYPES } from "../../assets/zip-media-type.ts";

// Whether a URL may be fetched is decided later (src/lib/url-safety.ts): it depends on config.
const url = z.string().url().max(2048);

const sha256Text = z.string().refine((v) => normaliseSha256(v) !== null, "must be a SHA-256 digest (hex or base64)");

// A direct upload is a project zip: announcing anything else is refused before a URL is signed.
const zipContentType = z
  .string()
  .min(1)
  .max(255)
  .superRefine((value, ctx) => {
    if (!isZipMediaType(value)) {
      ctx.addIssue({ code: "custom", message: `must be a zip archive type (${ZIP_MEDIA_TYPES.join(", ")}), got '${value}'` });
    }
  });

export const DirectUploadSchema = z.object({
  filename: z.string().min(1).max(255),
  content_type: zipContentType.default("application/zip"),
  size_bytes: z.number().int().positive(),
  checksum_sha256: sha256Text.optional(),
});

export const CompleteUploadSchema = z.object({ checksum_sha256: sha256Text.optional() });

export const ProjectSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("asset_id"), asset_id: z.string().min(1) }),
  z.object({ type: z.literal("url"), url }),
  z.object({ type: z.literal("base64"), media_type: z.literal("application/zip"), data: z.string().min(1) }),
]);

/** Render variables travel into every page load of the render (and its D1 row): bounded. */
export const VARIABLE_LIMITS = { maxKeys: 200, maxStringLength: 10_000, maxDepth: 16, maxJsonBytes: 64 * 1024 };

/** The first way `variables` is too big, with the path of the value at fault. Walks without
 *  recursion, so a hostile nesting depth cannot exhaust the stack before it is refused. */
function variablesTooBig(variables: Record<string, unknown>): { path: string[]; message: string } | null {
  const { maxKeys, maxStringLength, maxDepth, maxJsonBytes } = VARIABLE_LIMITS;
  const count = Object.keys(variables).length;
  if (count > maxKeys) return { path: [], message: `has ${count} keys; at most ${maxKeys} are allowed` };
  const tooLong = (length: number) => `${length} characters; at most ${maxStringLength} are allowed`;
  const stack: { value: unknown; path: string[] }[] = [{ value: variables, path: [] }];
  // Every value takes at least a byte of JSON: past maxJsonBytes values the size is over too.
  for (let visited = 0; stack.length; visited++) {
    if (visited > maxJsonBytes) return { path: [], message: `is more than ${maxJsonBytes} bytes as JSON` };
    const { value, path } = stack.pop()!;
    if (path.length > maxDepth) return { path, message: `is nested more than ${maxDepth} levels deep` };
    if (typeof value === "string" && value.length > maxStringLength) return { path, message: `is a string of ${tooLong(value.length)}` };
    if (value === null || typeof value !== "object") continue;
    for (const [key, item] of Object.entries(value)) {
      if (key.length > maxStringLength) return { path, message: `has a key of ${tooLong(key.length)}` };
      stack.push({ value: item, path: [...path, key] });
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(variables)).length;
  if (bytes > maxJsonBytes) return { path: [], message: `is ${bytes} bytes as JSON; at most ${maxJsonBytes} are allowed` };
  return null;
}

const Variables = z
  .record(z.string(), z.unknown())
  .superRefine((variables, ctx) => {
    const problem = variablesTooBig(variables);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
  })
  .pipe(z.record(z.string(), z.json()));

export const CreateRenderSchema = z
  .object({
    project: ProjectSchema,
    fps: z.number().int().min(1).max(240).default(30),
    quality: Quality.default("standard"),
    format: OutputFormat.default("mp4"),
    resolution: Resolution.default("1080p"),
    aspect_ratio: AspectRatio.optional(),
    composition: z.string().min(1).max(512).default("index.html"),
    variables: Variables.default({}),
    title: z.string().max(500).optional(),
    callback_url: url.optional(),
    callback_id: z.string().max(500).optional(),
  })
  .refine((r) => r.resolution !== "4k" || r.format === "mp4", {
    message: "4k resolution is only available for mp4",
    path: ["resolution"],
  });

export type CreateRenderRequest = z.infer<typeof CreateRenderSchema>;

export const RenderDetailSchema = z.object({
  render_id: z.string(),
  status: RenderStatus,
  title: z.string().nullable(),
  callback_id: z.string().nullable(),
  video_url: z.string().nullable(),
  thumbnail_url: z.string().nullable(),
  duration: z.number().nullable(),
  fps: z.number(),
  quality: Quality,
  format: OutputFormat,
  resolution: Resolution,
  aspect_ratio: AspectRatio.nullable(),
  composition: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  frame_count: z.number().nullable(),
  progress: z.number(),
  eta_seconds: z.number().nullable(),
  /** Unix seconds. */
  created_at: z.number().int(),
  completed_at: z.number().int().nullable(),
  failure_message: z.string().nullable(),
  warnings: z.array(z.string()),
});

export type RenderDetail = z.infer<typeof RenderDetailSchema>;

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  token: z.string().optional(),
});

// Response shapes (besides RenderDetailSchema), for the OpenAPI document and the presenters' types.

/** `{"data": …}`: every success answer of this dialect. */
export const dataEnvelope = <T extends z.ZodType>(data: T) => z.object({ data });

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().describe("e.g. invalid_parameter, authentication_failed, rate_limit_exceeded, hyperframes_render_not_found"),
    message: z.string(),
    param: z.string().optional().describe("The request field at fault."),
  }),
}).meta({ id: "HyperFramesError" });

/** The legacy multipart upload: the project zip in field `file`. */
export const AssetUploadFormSchema = z.object({ file: z.file().describe("The project zip (index.html at its root).") });

export const AssetSchema = z.object({
  asset_id: z.string(),
  url: z.string().describe("Signed, expiring download URL of the zip."),
  mime_type: z.string(),
  size_bytes: z.number().int(),
  status: z.string().describe("pending_upload | ready | failed"),
});

export const DirectUploadCreatedSchema = z.object({
  asset_id: z.string(),
  upload_url: z.string().describe("PUT the bytes here with exactly upload_headers and no API key."),
  upload_headers: z.record(z.string(), z.string()),
  expires_in_seconds: z.number().int(),
  max_bytes: z.number().int(),
  status: z.literal("pending_upload"),
});

export const RenderCreatedSchema = z.object({ render_id: z.string() });
export const RenderDeletedSchema = z.object({ render_id: z.string(), deleted: z.literal(true) });

export const RenderListSchema = z.object({
  data: z.array(RenderDetailSchema),
  has_more: z.boolean(),
  next_token: z.string().nullable(),
});

/** The data of an SSE `status` / `progress` event. */
export const RenderEventSchema = z.object({
  render_id: z.string(),
  status: RenderStatus,
  progress: z.number(),
  eta_seconds: z.number().nullable(),
  frames_total: z.number().nullable(),
  failure_message: z.string().nullable(),
});

export const EventsUrlSchema = z.object({
  url: z.string().describe("Open with `new EventSource(url)`: no API key, this render only, from any origin."),
  expires_at: z.number().int().describe("Unix seconds; the URL cannot be opened after this (an open stream goes on)."),
});

export const WebhookAttemptSchema = z.object({
  attempt: z.number().int(),
  event: z.string(),
  url: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
  created_at: z.number().int(),
});

export const UserSchema = z.object({
  account_id: z.string(),
  username: z.string().nullable(),
  name: z.string().nullable(),
  api_key_id: z.string(),
  created_at: z.number().int().nullable(),
});

export const WebhookSecretSchema = z.object({ secret: z.string(), scheme: z.string() });
