// <Music> and <Speech>: <audio> elements the encoder mixes (start, offset into the file,
// length, volume). As the SDK (src/react/renderers/render.ts and clip.ts, editly
// buildAudioFilter):
// - Render-level Music starts at `start` (adelay), plays cutFrom → cutTo (or cutFrom +
//   duration) and is trimmed to the video's length ("auto-trim to video length");
// - Music or Speech inside a Clip starts with the clip and is NOT cut at the clip's end (an
//   audio layer's trim is only its own cutFrom/cutTo); the mix is cut at the video's end;
// - Speech plays whole at `volume`.
// Deviations: Render-level Music without cutTo/duration plays to the video's end — the SDK
// sets cutTo = the video's length as a *source* time, so with a cutFrom it stops cutFrom
// seconds early (and with a transition lacking a duration, 0.5 s late: the bug in
// API-VARG.md). Inside a Clip, Music's `start` delays it from the clip's start and `duration`
// trims it (the SDK drops both there).
import type { VargElementJson } from "../../tree.ts";
import { decimal, escapeHtml, sec } from "../escape.ts";
import { numberProp } from "../props.ts";
import type { ComponentRenderer, ComposeContext, Placement } from "../types.ts";
import { mediaFor, volumeOf } from "./media.ts";

function audioTag(path: string, start: number, duration: number, mediaStart: number, volume: number): string {
  return (
    `<audio src="${escapeHtml(path)}" preload="auto" data-start="${sec(start)}" data-duration="${sec(duration)}"` +
    ` data-media-start="${sec(mediaStart)}" data-volume="${decimal(volume, 4)}"></audio>`
  );
}

/** The seconds of sound a Music element plays (its trimmed source), for clip lengths. */
export function musicLength(el: VargElementJson, ctx: ComposeContext, at: Placement): number {
  const info = mediaFor(el, ctx, at, "audio");
  const where = at.where ?? "the scene";
  const cutFrom = numberProp(el, "cutFrom", where, { min: 0 }) ?? 0;
  const cutTo = numberProp(el, "cutTo", where, { min: 0 });
  const duration = numberProp(el, "duration", where, { positive: true });
  const end = Math.min(cutTo ?? (duration !== undefined ? cutFrom + duration : Infinity), info.duration ?? Infinity);
  return Math.max(0, end - cutFrom);
}

export const music: ComponentRenderer = (el, ctx, at) => {
  const where = at.where ?? "the scene";
  const info = mediaFor(el, ctx, at, "audio");
  if (info.placeholder) return ""; // preview mode: music that was not generated stays silent
  const cutFrom = numberProp(el, "cutFrom", where, { min: 0 }) ?? 0;
  const delay = numberProp(el, "start", where, { min: 0 }) ?? 0;
  const start = at.start + delay;
  const length = Math.min(musicLength(el, ctx, at), ctx.duration - start);
  if (!(length > 0)) return "";
  return audioTag(info.path, start, length, cutFrom, volumeOf(el.props.volume, el, at));
};

/** The window of the file a Speech plays: all of it, or cutFrom → cutTo (a segment of a
 *  multi-line Speech, `s.segments[i]`). */
function speechWindow(el: VargElementJson, ctx: ComposeContext, at: Placement): { from: number; length: number } {
  const where = at.where ?? "the scene";
  const info = mediaFor(el, ctx, at, "audio");
  const whole = info.duration ?? el.resolved?.duration ?? 0;
  const from = numberProp(el, "cutFrom", where, { min: 0 }) ?? 0;
  const to = Math.min(numberProp(el, "cutTo", where, { min: 0 }) ?? whole, whole || Infinity);
  return { from, length: Math.max(0, to - from) };
}

export function speechLength(el: VargElementJson, ctx: ComposeContext, at: Placement): number {
  return speechWindow(el, ctx, at).length;
}

export const speech: ComponentRenderer = (el, ctx, at) => {
  const info = mediaFor(el, ctx, at, "audio");
  if (info.placeholder) return ""; // preview mode: speech that was not generated stays silent
  const window = speechWindow(el, ctx, at);
  const length = Math.min(window.length || Infinity, ctx.duration - at.start);
  if (!(length > 0)) return "";
  return audioTag(info.path, at.start, length, window.from, volumeOf(el.props.volume, el, at));
};
