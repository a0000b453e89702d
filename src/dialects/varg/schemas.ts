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

// Response shapes (besides JobSchema), for the OpenAPI document.

export const SubmittedSchema = z.object({
  job_id: z.string(),
  status: z.literal("rendering"),
  estimated_duration_ms: z.number(),
  queue: z.object({ active: z.number().int(), waiting: z.number().int() }),
});

export const JobListItemSchema = z.object({
  id: z.string(),
  status: JobStatus,
  outputUrl: z.string().nullable(),
  durationMs: z.number().nullable(),
  createdAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});

export const JobListSchema = z.object({ jobs: z.array(JobListItemSchema), count: z.number().int() });

export const VargEventsUrlSchema = z.object({
  url: z.string().describe("Open with `new EventSource(url)`: no API key, this job only, from any origin."),
  expires_at: z.string().describe("ISO time; the URL cannot be opened after this (an open stream goes on)."),
});

export const VargErrorSchema = z.object({
  error: z.string().describe("Invalid JSON body | Invalid render code | Unauthorized | Rate limit exceeded | Failed to enqueue render job | …"),
  message: z.string(),
  field: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
}).meta({ id: "VargError" });
