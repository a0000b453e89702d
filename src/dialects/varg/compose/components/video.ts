// <Video>: a file shown frame-accurately (the driver seeks it each frame), trimmed, fitted,
// with its own sound only when `keepAudio` (src/react/renderers/clip.ts: mixVolume =
// keepAudio ? volume ?? 1 : 0). Its window is the clip; like the SDK's audio (editly
// buildAudioFilter: atrim cutFrom → cutFrom + clip duration, afade in over the previous
// transition, out over the clip's own transition) the kept sound fades across transitions.
//
// Trim: cutFrom (default the Clip's cutFrom, else 0) to cutTo (default the Clip's cutTo, else
// the file's end, clamped to it), or cutFrom + `duration` (TrimProps). Deviations: the SDK
// pre-trims a src Video with cutFrom/cutTo and then trims the result again (the bug in
// API-VARG.md) — here the file is trimmed once; the SDK ignores `duration` on a src Video.
import type { VargElementJson } from "../../tree.ts";
import { decimal, sec } from "../escape.ts";
import { booleanProp, enumProp, numberProp, sizeProp, tagOf } from "../props.ts";
import { ComposeError, type ComponentRenderer, type ComposeContext, type MediaInfo, type Placement } from "../types.ts";
import { CROP_POSITIONS, RESIZE_MODES, boxed, fullFrame, useBaseCss, type Box } from "./fit.ts";
import { hasBox } from "./image.ts";
import { mediaFor, volumeOf } from "./media.ts";

export interface VideoTrim {
  cutFrom: number;
  /** Where the source is cut, clamped to its length (Infinity when unknown). */
  cutTo: number;
  /** cutTo − cutFrom. */
  length: number;
}

/** The source window a Video plays (clip-level cuts apply when `clipCuts`). */
export function videoTrim(el: VargElementJson, info: MediaInfo, at: Placement, clipCuts = true): VideoTrim {
  const where = at.where ?? "the scene";
  const own = {
    cutFrom: numberProp(el, "cutFrom", where, { min: 0 }),
    cutTo: numberProp(el, "cutTo", where, { min: 0 }),
    duration: numberProp(el, "duration", where, { positive: true }),
  };
  const cutFrom = own.cutFrom ?? (clipCuts ? at.clip?.cutFrom : undefined) ?? 0;
  const requested = own.cutTo ?? (own.duration !== undefined ? cutFrom + own.duration : clipCuts ? at.clip?.cutTo : undefined);
  const fileLength = info.duration ?? Infinity;
  const cutTo = Math.min(requested ?? fileLength, fileLength);
  if (!(cutTo > cutFrom)) {
    throw new ComposeError(`${tagOf(el)} in ${where} plays nothing: cutFrom ${cutFrom} s is not before its end (${decimal(cutTo, 3)} s)`);
  }
  return { cutFrom, cutTo, length: cutTo - cutFrom };
}

export interface VideoAudio {
  volume: number;
  fadeIn: number;
  fadeOut: number;
}

/** Timing and sound attributes of a <video> shown from `start` for `duration`, playing its source from `mediaStart`. */
export function videoAttrs(start: number, duration: number, mediaStart: number, audio: VideoAudio | null): string {
  let attrs = ` data-start="${sec(start)}" data-duration="${sec(duration)}" data-media-start="${sec(mediaStart)}"`;
  if (audio) {
    attrs += ` data-has-audio="true" data-volume="${decimal(audio.volume, 4)}"`;
    if (audio.fadeIn > 0) attrs += ` data-fade-in="${sec(audio.fadeIn)}"`;
    if (audio.fadeOut > 0) attrs += ` data-fade-out="${sec(audio.fadeOut)}"`;
  }
  return attrs;
}

/** A video's own sound, when kept and present. */
export function keptAudio(keep: boolean, volume: number, info: MediaInfo, fades: { fadeIn: number; fadeOut: number }): VideoAudio | null {
  if (!keep || info.hasAudio === false || volume === 0) return null;
  return { volume, ...fades };
}

/** A Video positioned in a box: scaled to fit inside (contain, no bars) at the box's top-left, or covering / stretched. */
export function videoInBox(el: VargElementJson, ctx: ComposeContext, sizes: Record<string, unknown>, attrs: string, info: MediaInfo, where: string): string {
  const mode = enumProp(el, "resize", RESIZE_MODES, where);
  const box: Box = {
    left: sizeProp(el, "left", ctx.width, where, sizes.left as never) ?? 0,
    top: sizeProp(el, "top", ctx.height, where, sizes.top as never) ?? 0,
    width: sizeProp(el, "width", ctx.width, where, sizes.width as never) ?? ctx.width,
    height: sizeProp(el, "height", ctx.height, where, sizes.height as never) ?? ctx.height,
  };
  const fit = mode === "cover" ? "cover" : mode === "stretch" ? "fill" : "contain";
  const crop = enumProp(el, "cropPosition", CROP_POSITIONS, where);
  return boxed({ tag: "video", path: info.path, attrs, placeholder: !!info.placeholder }, box, fit, { crop, anchorTopLeft: fit === "contain" });
}

export const video: ComponentRenderer = (el, ctx, at) => {
  useBaseCss(ctx);
  const where = at.where ?? "the scene";
  const info = mediaFor(el, ctx, at, "video");
  const positioned = hasBox(el.props);
  const trim = videoTrim(el, info, at);
  const audio = keptAudio(booleanProp(el, "keepAudio"), volumeOf(el.props.volume, el, at), info, {
    fadeIn: at.clip?.inSeconds ?? 0,
    fadeOut: at.clip?.ownTransitionSeconds ?? 0,
  });
  if (positioned) {
    // An overlay ends with its source (the SDK's overlay has shortest=1, which would end the whole clip).
    const attrs = videoAttrs(at.start, Math.min(at.duration, trim.length), trim.cutFrom, audio);
    return videoInBox(el, ctx, el.props, attrs, info, where);
  }
  const mode = enumProp(el, "resize", RESIZE_MODES, where) ?? "cover";
  const crop = enumProp(el, "cropPosition", CROP_POSITIONS, where);
  return fullFrame({ tag: "video", path: info.path, attrs: videoAttrs(at.start, at.duration, trim.cutFrom, audio), placeholder: !!info.placeholder }, mode, crop);
};

/** <TalkingHead>: its generated lipsync video, full frame (cover) with its speech audible, as
 *  the SDK lays it (a video layer, mixVolume 1; position and size are not applied there either). */
export const talkingHead: ComponentRenderer = (el, ctx, at) =>
  video({ ...el, type: "video", props: { resize: "cover", keepAudio: true, ...(el.props.volume !== undefined ? { volume: el.props.volume } : {}) } }, ctx, at);
