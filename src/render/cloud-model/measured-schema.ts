// What `npm run bench` measured on a machine, per 1920×1080 frame: the inputs of the cost
// model that no documentation can give. The bench writes them (scripts/lib/bench-measured.ts)
// into measured.ts, which is committed, so the model and the chunk planner read the last
// measured figures rather than numbers copied into code. Parsed with zod where it is written:
// a bench run that produced nonsense (NaN, zero frames) must not become the planner's input.
import { z } from "zod";

const seconds = z.number().finite().positive();

export const MeasuredSchema = z.object({
  /** Day of the bench run (YYYY-MM-DD) and the machine it ran on. */
  measuredAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  cores: z.number().int().positive(),
  /** The bench composition: frames, fps and frame size every per-frame figure refers to. */
  frames: z.number().int().positive(),
  fps: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Capture alone, one browser: wall ms per frame (seek + pose + screenshot). */
  captureMsPerFrame: seconds,
  /** Capture alone, one browser: busy core-seconds of the machine per frame. */
  captureCpuSPerFrame: seconds,
  /** Encode alone, one segment (x264 medium, crf 18): wall ms per frame on `cores` cores. */
  encodeMsPerFrame: seconds,
  /** Encode alone: busy core-seconds per frame. */
  encodeCpuSPerFrame: seconds,
  /** Whole renders through the local stack (submit → completed) by chunk count, for checking
   *  the local profile's predictions against what happened. */
  renders: z.array(
    z.object({
      chunks: z.number().int().positive(),
      wallS: seconds,
      /** Busy core-seconds of the whole machine during the render: locally the browsers, the
       *  Worker and FFmpeg all share the cores, so this is what a render costs there. */
      cpuS: seconds.optional(),
    }),
  ),
  /** The HyperFrames CLI's own render of the same project on the same machine (null: failed). */
  hyperframesS: seconds.nullable(),
  /** Not measured by the bench yet (null): a browser's launch + page load, and finalize (join
   *  segments + upload). The model then uses its profile's assumption. */
  browserStartS: seconds.nullable(),
  finalizeS: seconds.nullable(),
  /** The one-chunk render through the local stack, in its phases: submit → first frame (queue
   *  hop, browser launch, page load, probe), the capture loop's wall ms per frame (pages side by
   *  side, sharing the cores with FFmpeg and the Worker), last frame → completed (finalize).
   *  What the local profile predicts from; absent in older runs. */
  localRender: z.object({ startS: seconds, loopMsPerFrame: seconds, finalizeS: seconds }).optional(),
});

export type Measured = z.infer<typeof MeasuredSchema>;
