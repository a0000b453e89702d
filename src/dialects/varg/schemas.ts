// Request and response shapes of the varg cloud render dialect (/api): one source for
// validation and types.
import { z } from "zod";

export const SubmitRenderSchema = z.object({
  code: z.string().min(1, "code must not be empty"),
  output: z.enum(["video", "frames"]).optional(),
  mode: z.enum(["strict", "preview"]).default("strict"),
  verbose: z.boolean().default(false),
  providerKeys: z.record(z.string(), z.string().min(1).max(4096)).default({}),
});
export type SubmitRender = z.infer<typeof SubmitRenderSchema>;

export const JobStatus = z.enum(["rendering", "completed", "failed"]);

export const JobFileSchema = z.object({
  url: z.string(),
  mediaType: z.string(),
  metadata: z.record(z.string(), z.json()),
  clipIndex: z.number().int().optional(),
});

export const JobSchema = z.object({
  job_id: z.string(),
  status: JobStatus,
  /** 0..1, while rendering. */
  progress: z.number(),
  /** While rendering: "generating" (AI assets from prompts) until the video is planned, then "rendering". */
  stage: z.enum(["generating", "rendering"]).optional(),
  /** AI generations finished and known so far, while the job runs. */
  generation: z.object({ done: z.number().int(), total: z.number().int() }).optional(),
  output_url: z.string().nullable(),
  thumbnail_url: z.string().nullable(),
  files: z.array(JobFileSchema),
  duration_ms: z.number().nullable(),
  estimated_duration_ms: z.number().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  error: z.string().optional(),
  error_category: z.string().optional(),
});
export type Job = z.infer<typeof JobSchema>;

export const ListJobsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
