// The `[chunk-timing]` line src/render/capture.ts logs for every chunk, read back from a local
// stack's log by `npm run bench` and the e2e tests.

export interface ChunkTiming {
  renderId: string;
  chunkIndex: number;
  frames: number;
  captured: number;
  pages: number;
  screencastFrames: number;
  /** Captured by the planning browser, already open. */
  warm: boolean;
  /** Captured by a browser taken from the pool. */
  pooled: boolean;
  openMs: number;
  totalMs: number;
}

const LINE = /\[chunk-timing\] (\{[^}]*\})/;

/** The chunk timings among `lines`, of one render when `renderId` is given. */
export function chunkTimings(lines: readonly string[], renderId?: string): ChunkTiming[] {
  return lines.flatMap((line) => {
    const match = LINE.exec(line);
    if (!match) return [];
    const timing = JSON.parse(match[1]!) as ChunkTiming;
    return renderId === undefined || timing.renderId === renderId ? [timing] : [];
  });
}
