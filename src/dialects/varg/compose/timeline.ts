// Where each clip sits on the timeline — pure arithmetic, as the SDK's editly
// (src/ai-sdk/providers/editly/index.ts, processClips and the xfade chain) lays clips out:
//
// - a clip lasts its `duration`; without one ("auto", absent or 0) it lasts its first video
//   layer's trimmed length, else 4 s (DEFAULT_DURATION); an explicit duration longer than the
//   first video layer is cut down to it ("clamp to avoid freeze frames");
// - a clip's `transition` joins it to the NEXT clip (xfade offset = end of the clip − the
//   transition): the next clip starts that much earlier, so the video lasts
//   Σ durations − Σ transitions; the last clip's transition joins nothing. The SDK's docs
//   (docs/react.md, "second clip with transition") suggest a transition leads INTO its clip;
//   its code (editly's xfade chain, render.ts's offsets) and its own render of such a scene
//   (2 × 1 s clips, fade on the second: a 2 s video, no fade) say otherwise — code wins;
// - a transition object without `name` is "fade", without `duration` 0.5 s (DEFAULT_TRANSITION);
//   no transition (or duration 0) is a cut.
//
// Deviation, per the brief: a clip whose length comes from its content and that has no video
// layer takes the length of its audio (Speech/Music) — the SDK's docs promise that ("sets clip
// duration to match audio length"); its code only looks at video layers and falls back to 4 s.
import { ComposeError } from "./types.ts";

export const DEFAULT_CLIP_SECONDS = 4;
export const DEFAULT_TRANSITION_SECONDS = 0.5;
export const DEFAULT_TRANSITION_NAME = "fade";

export interface Transition {
  name: string;
  /** Seconds; 0 is a cut. */
  duration: number;
}

export interface ClipTimingInput {
  /** An explicit positive duration, or undefined for "auto"/absent. */
  duration?: number;
  /** Trimmed length of the clip's first video layer, when it has one. */
  videoDuration?: number;
  /** Length of the clip's own audio (Speech, Music), for content-length clips without video. */
  audioDuration?: number;
  /** The transition into the next clip, null for none. */
  transition: Transition | null;
  /** For error messages: "clip 2". */
  where: string;
}

export interface TimedClip {
  index: number;
  start: number;
  duration: number;
  end: number;
  /** The transition from the previous clip into this one (0 for the first clip). */
  inSeconds: number;
  /** The transition from this clip into the next one (0 for the last clip). */
  outSeconds: number;
  /** This clip's own transition as written (the SDK fades a kept video's audio out by it, even on the last clip). */
  ownTransition: Transition | null;
  /** The transition into the next clip, null for none or for the last clip. */
  next: Transition | null;
}

export interface Timeline {
  clips: TimedClip[];
  /** Seconds: Σ durations − Σ transitions between clips. */
  total: number;
}

export function clipDuration(input: ClipTimingInput): number {
  const { duration, videoDuration, audioDuration } = input;
  if (duration !== undefined && duration > 0) {
    return videoDuration !== undefined && videoDuration < duration ? videoDuration : duration;
  }
  if (videoDuration !== undefined) return videoDuration;
  if (audioDuration !== undefined && audioDuration > 0) return audioDuration;
  return DEFAULT_CLIP_SECONDS;
}

/** Lays clips end to end, each transition overlapping the two clips it joins. */
export function layoutClips(inputs: ClipTimingInput[]): Timeline {
  if (inputs.length === 0) throw new ComposeError("a <Render> needs at least one <Clip>");
  const durations = inputs.map(clipDuration);
  inputs.forEach((input, i) => {
    if (!(durations[i]! > 0)) throw new ComposeError(`${input.where} has no length (its video is empty after trimming)`);
  });
  const clips: TimedClip[] = [];
  let start = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const duration = durations[i]!;
    const last = i === inputs.length - 1;
    const next = !last && input.transition && input.transition.duration > 0 ? input.transition : null;
    const inSeconds = i > 0 ? (clips[i - 1]!.next?.duration ?? 0) : 0;
    const outSeconds = next?.duration ?? 0;
    if (next) {
      const following = durations[i + 1]!;
      if (next.duration > duration || next.duration > following) {
        throw new ComposeError(
          `the ${next.name} transition of ${input.where} lasts ${next.duration} s, longer than the clips it joins (${duration} s and ${following} s)`,
        );
      }
    }
    if (inSeconds + outSeconds > duration + 1e-9) {
      throw new ComposeError(
        `${input.where} lasts ${duration} s, less than its transitions in (${inSeconds} s) and out (${outSeconds} s) together`,
      );
    }
    clips.push({ index: i, start, duration, end: start + duration, inSeconds, outSeconds, ownTransition: input.transition, next });
    start += duration - outSeconds;
  }
  const lastClip = clips[clips.length - 1]!;
  return { clips, total: lastClip.end };
}
