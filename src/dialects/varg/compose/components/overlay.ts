// <Overlay left top width height start end keepAudio volume>: images and videos placed over
// the clip (or over the whole video at Render level), as src/react/renderers/clip.ts and
// render.ts build their layers:
// - in a Clip, an Image child with any of left/top/width/height is an image overlay (30% of
//   the width unless given, aspect kept without a height), otherwise a full-frame image; a
//   Video child with a position is a video overlay (contain inside the box, at its top-left;
//   the box defaults to the frame), otherwise a full-frame video; start/end (clip-relative,
//   inclusive) bound when it shows, and its video plays on the clip's clock (the SDK trims the
//   overlay video from the clip's start and only hides it outside start–end);
// - at Render level it spans the whole video (start/end are "only used when inside a Clip")
//   and its video plays from the video's start.
// Other children are not rendered (the SDK ignores them).
// Deviations: the Overlay's own start/end also bound an unpositioned child (the SDK makes it a
// base layer and drops them); a clip Overlay's keepAudio is heard (the SDK only mixes the
// audio of Render-level overlays and full-frame videos).
import { booleanProp, childElements, numberProp, tagOf } from "../props.ts";
import type { ComponentRenderer } from "../types.ts";
import { fullFrame, timed, useBaseCss } from "./fit.ts";
import { hasBox, imageFullFrame, imageInBox } from "./image.ts";
import { mediaFor, volumeOf } from "./media.ts";
import { keptAudio, videoAttrs, videoInBox } from "./video.ts";

export const overlay: ComponentRenderer = (el, ctx, at) => {
  useBaseCss(ctx);
  const where = at.where ?? "the scene";
  const inner = `${tagOf(el)} in ${where}`;
  const inClip = at.clip !== undefined;
  const from = inClip ? (numberProp(el, "start", where, { min: 0 }) ?? 0) : 0;
  const to = inClip ? numberProp(el, "end", where, { min: 0 }) : undefined;
  const start = at.start + from;
  // enable='between(t, start, end)' includes the end frame.
  const end = to !== undefined ? Math.min(at.start + to + 0.5 / ctx.fps, at.start + at.duration) : at.start + at.duration;
  if (!(end > start)) return "";
  const placed = { start, duration: end - start, ...(at.clip ? { clip: at.clip } : {}), where: inner };
  const positioned = hasBox(el.props);
  const keep = booleanProp(el, "keepAudio");
  const volume = volumeOf(el.props.volume, el, at);
  const parts: string[] = [];
  for (const child of childElements(el)) {
    if (child.type === "image") {
      // The Overlay's box, not the Image's own, places it (the SDK builds the layer from the Overlay's props).
      parts.push(positioned ? imageInBox(child, ctx, placed, el.props) : imageFullFrame(child, ctx, placed));
    } else if (child.type === "video") {
      const info = mediaFor(child, ctx, placed, "video");
      // The clip's clock: at `start` the video is `from` seconds in.
      const audio = keptAudio(keep, volume, info, { fadeIn: 0, fadeOut: 0 });
      const length = info.duration !== undefined ? Math.max(0, Math.min(end, at.start + info.duration) - start) : end - start;
      if (!(length > 0)) continue;
      const attrs = videoAttrs(start, length, from, audio);
      parts.push(positioned ? videoInBox(child, ctx, el.props, attrs, info, inner) : fullFrame({ tag: "video", path: info.path, attrs }, "cover", undefined));
    } else {
      ctx.warn(`${tagOf(child)} in ${inner} is not rendered (an Overlay shows Images and Videos)`);
    }
  }
  if (!parts.length) return "";
  return timed(parts.join(""), start, end - start, "position: absolute; inset: 0; pointer-events: none;");
};

