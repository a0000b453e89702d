// Request and response shapes of the HyperFrames dialect: one source for validation and types.
import { z } from "zod";
import { normaliseSha256 } from "../../lib/hash.ts";
import { AspectRatio, OutputFormat, Quality, Resolution, RenderStatus } from "../../jobs/render-state.ts";

// Whether a URL may be fetched is decided later (src/lib/url-safety.ts): it depends on config.
const url = z.string().url().max(2048);

const sha256Text = z.string().refine((v) => normaliseSha256(v) !== null, "must be a SHA-256 digest (hex or base64)");

export const DirectUploadSchema = z.object({
  filename: z.string().min(1).max(255),
  content_type: z.string().min(1).max(255).default("application/zip"),
  size_bytes: z.number().int().positive(),
  checksum_sha256: sha256Text.optional(),
});

export const CompleteUploadSchema = z.object({ checksum_sha256: sha256Text.optional() });

export const ProjectSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("asset_id"), asset_id: z.string().min(1) }),
  z.object({ type: z.literal("url"), url }),
  z.object({ type: z.literal("base64"), media_type: z.literal("application/zip"), data: z.string().min(1) }),
]);

export const CreateRenderSchema = z
  .object({
    project: ProjectSchema,
    fps: z.number().int().min(1).max(240).default(30),
    quality: Quality.default("standard"),
    format: OutputFormat.default("mp4"),
    resolution: Resolution.default("1080p"),
    aspect_ratio: AspectRatio.optional(),
    composition: z.string().min(1).max(512).default("index.html"),
    variables: z.record(z.string(), z.json()).default({}),
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
