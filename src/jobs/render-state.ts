// The shape of one render's state as owned by its RenderJob Durable Object, and the pure
// functions over it (progress, ETA), kept apart from the DO so they can be tested alone.
import { z } from "zod";
import type { PlannedAudioTrack } from "../render/audio-plan.ts";

export const RenderStatus = z.enum(["queued", "rendering", "completed", "failed"]);
export type RenderStatus = z.infer<typeof RenderStatus>;

export const OutputFormat = z.enum(["mp4", "webm", "mov"]);
export type OutputFormat = z.infer<typeof OutputFormat>;
export const Quality = z.enum(["draft", "standard", "high"]);
export type Quality = z.infer<typeof Quality>;
export const Resolution = z.enum(["1080p", "4k"]);
export type Resolution = z.infer<typeof Resolution>;
export const AspectRatio = z.enum(["16:9", "9:16", "1:1"]);
export type AspectRatio = z.infer<typeof AspectRatio>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Everything the pipeline needs to render, fixed when the render is created. */
export interface RenderSpec {
  renderId: string;
  accountId: string;
  /** The API dialect that created the render: its streams and webhooks speak it. */
  dialect: string;
  /** Name of the RateLimiter whose concurrency slot the render holds (per account and dialect). */
  slotScope: string;
  /** A source builder to run before planning (e.g. a scene compiled into the project), or null
   *  when the project is ready at creation. */
  prepare: string | null;
  /** "video", or "stills": one image per entry of `RenderState.stills`, no video. */
  output: OutputKind;
  /** The project the engine renders; for a `prepare`d render, the asset the builder fills. */
  assetId: string;
  entry: string;
  fps: number;
  quality: Quality;
  format: OutputFormat;
  resolution: Resolution;
  aspectRatio: AspectRatio | null;
  /** Variable overrides as JSON text (plain strings keep the RPC types simple). */
  variablesJson: string;
  /** Origin the capture browser loads the composition page from. */
  origin: string;
  /** Where to POST the signed webhook when the render ends. */
  callbackUrl: string | null;
}

export const OutputKind = z.enum(["video", "stills"]);
export type OutputKind = z.infer<typeof OutputKind>;

/** A file the render produced besides its video (stills; generated assets), listed to clients. */
export interface OutputFile {
  key: string;
  mediaType: string;
  /** Flat on purpose: recursive JSON types are too deep for Durable Object RPC typing. */
  metadata: Record<string, string | number | boolean | null>;
}

/** Why a render failed, coarsely (dialects expose it, e.g. varg's error_category). */
export type { FailureCategory } from "../core/errors.ts";
import type { FailureCategory } from "../core/errors.ts";

export type ChunkStatus = "pending" | "capturing" | "done";

export interface ChunkEntry {
  index: number;
  /** First frame (inclusive) and last frame (exclusive) of the chunk. */
  startFrame: number;
  endFrame: number;
  status: ChunkStatus;
  attempts: number;
  framesCaptured: number;
  segmentKey: string | null;
  lastError: string | null;
  /** When its capture last reported (ms): a capturing chunk silent for long is taken for dead. */
  heartbeatAt?: number;
}

export interface RenderPlan {
  duration: number;
  frameCount: number;
  /** Composition size in CSS pixels; output is this × scale. */
  width: number;
  height: number;
  scale: number;
  chunks: ChunkEntry[];
  /** The audio mix, resolved once at planning (absent in plans made before audio existed). */
  audio?: PlannedAudioTrack[];
}

export interface RenderOutput {
  /** The video (or, for stills, the first still). */
  key: string;
  files?: OutputFile[];
  thumbnailKey?: string | null;
  bytes: number;
  frameCount: number;
  duration: number;
}

export interface RenderState {
  spec: RenderSpec;
  status: RenderStatus;
  plan: RenderPlan | null;
  finalizeDispatched: boolean;
  /** Stills mode: the times (seconds) to capture, set by the prepare phase. */
  stills?: number[] | null;
  output: RenderOutput | null;
  failureMessage: string | null;
  /** Why it failed, coarsely: invalid_source | timeout | internal (| provider_error …). */
  failureCategory?: FailureCategory | null;
  warnings: string[];
  /** The prepare phase's AI generation, while it runs and after: how many of how many. */
  generation?: { done: number; total: number } | null;
  /** Files the prepare phase made (generated media), listed with the output's own files. */
  generated?: OutputFile[];
  /** The prepare phase is done (its builder filled the project). */
  prepared?: boolean;
  /** When the render last made progress (ms), and how often the watchdog has re-sent its
   *  current step since (see watchdog.ts). */
  progressAt?: number;
  redispatches?: number;
  /** Steps being run now (plan, finalize, …): when each was claimed or last reported. */
  claims?: Partial<Record<string, number>>;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  updatedAt: number;
}

export function isTerminal(status: RenderStatus): boolean {
  return status === "completed" || status === "failed";
}

/** Share of work done, 0..1: capture+encode of all frames is 95%, the final stitch the rest. */
export function progressOf(state: RenderState): number {
  if (state.status === "completed") return 1;
  // With a generation phase, generating is the first 40 % of the work.
  const gen = state.generation;
  if (gen && gen.total > 0) {
    const generated = gen.done / gen.total;
    return 0.4 * generated + 0.6 * renderProgress(state);
  }
  return renderProgress(state);
}

function renderProgress(state: RenderState): number {
  const plan = state.plan;
  if (!plan || plan.frameCount === 0) return 0;
  const frames = plan.chunks.reduce(
    (sum, c) => sum + (c.status === "done" ? c.endFrame - c.startFrame : c.framesCaptured),
    0,
  );
  return Math.min(0.95, (frames / plan.frameCount) * 0.95);
}

/** Seconds left, extrapolated from the pace since rendering started; null until measurable. */
export function etaSeconds(state: RenderState, now: number): number | null {
  const progress = progressOf(state);
  if (!state.startedAt || progress <= 0.01 || isTerminal(state.status)) return null;
  const elapsed = (now - state.startedAt) / 1000;
  return Math.max(0, Math.round((elapsed / progress) * (1 - progress)));
}
