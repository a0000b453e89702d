// Splitting a render's frames into chunks. How many chunks is the planner's choice
// (chunk-count.ts: the cost model, or a fixed CHUNK_FRAMES); here the fixed-size policy — aim
// for `chunkFrames` frames per chunk, never more than `maxChunks` — and the even split both
// use, so no chunk is a tiny remainder.
import type { ChunkEntry } from "../jobs/render-state.ts";

export interface ChunkRange {
  index: number;
  startFrame: number;
  endFrame: number;
}

export function planChunks(frameCount: number, chunkFrames: number, maxChunks: number): ChunkRange[] {
  return splitFrames(frameCount, Math.min(maxChunks, Math.ceil(frameCount / chunkFrames)));
}

/** `count` contiguous chunks (at most one per frame) whose sizes differ by at most one frame. */
export function splitFrames(frameCount: number, chunkCount: number): ChunkRange[] {
  if (frameCount <= 0) return [];
  const count = Math.max(1, Math.min(chunkCount, frameCount));
  const base = Math.floor(frameCount / count);
  const extra = frameCount % count;
  const chunks: ChunkRange[] = [];
  let start = 0;
  for (let index = 0; index < count; index++) {
    const size = base + (index < extra ? 1 : 0);
    chunks.push({ index, startFrame: start, endFrame: start + size });
    start += size;
  }
  return chunks;
}

/** The chunk ledger of a new plan: every chunk pending, nothing captured yet. */
export function pendingChunks(frameCount: number, chunkFrames: number, maxChunks: number): ChunkEntry[] {
  return chunkLedger(planChunks(frameCount, chunkFrames, maxChunks));
}

/** The ledger entries of chunks not started yet. */
export function chunkLedger(ranges: ChunkRange[]): ChunkEntry[] {
  return ranges.map((c) => ({
    ...c,
    status: "pending",
    attempts: 0,
    framesCaptured: 0,
    segmentKey: null,
    lastError: null,
  }));
}

/** Frames in the output: the duration at the requested fps, at least one. */
export function frameCountFor(durationSeconds: number, fps: number): number {
  return Math.max(1, Math.round(durationSeconds * fps));
}

/** The frame used as the render's thumbnail: one second in, or the middle of shorter renders. */
export function thumbnailFrame(frameCount: number, fps: number): number {
  return Math.min(frameCount - 1, Math.round(Math.min(1, frameCount / fps / 2) * fps));
}
