// Element type → renderer. Mine: image, video, music, speech, title, subtitle, overlay; the
// layout, caption and slideshow renderers live in captions.ts, layouts.ts, packshot.ts,
// slider.ts and swipe.ts (they take the dispatch to render their children).
import type { VargElementJson } from "../../tree.ts";
import { tagOf } from "../props.ts";
import { ComposeError, type ComponentRenderer, type ComposeContext, type Placement } from "../types.ts";
import { music, speech } from "./audio.ts";
import { captions } from "./captions.ts";
import { image } from "./image.ts";
import { renderGrid, renderSlot, renderSplit } from "./layouts.ts";
import { overlay } from "./overlay.ts";
import { packshotDuration, renderPackshot } from "./packshot.ts";
import { renderSlider, sliderDuration } from "./slider.ts";
import { renderSwipe, swipeDuration } from "./swipe.ts";
import { subtitle, title } from "./text.ts";
import { talkingHead, video } from "./video.ts";

/** Renders any element through its renderer. */
export const renderElement: ComponentRenderer = (el, ctx, at) => rendererFor(el, at)(el, ctx, at);

const withChildren = (
  render: (el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: ComponentRenderer) => string,
  videoLength?: ComponentRenderer["videoLength"],
): ComponentRenderer => Object.assign((el: VargElementJson, ctx: ComposeContext, at: Placement) => render(el, ctx, at, renderElement), { videoLength });

const RENDERERS: Record<string, ComponentRenderer> = {
  image,
  video,
  music,
  speech,
  title,
  subtitle,
  overlay,
  captions,
  split: withChildren(renderSplit),
  grid: withChildren(renderGrid),
  slot: withChildren(renderSlot),
  // The SDK renders these to a video file of their own: a video layer that can set the clip's length.
  packshot: withChildren(renderPackshot, (el) => packshotDuration(el)),
  slider: withChildren(renderSlider, (el, ctx) => sliderDuration(el, ctx)),
  swipe: withChildren(renderSwipe, (el, ctx) => swipeDuration(el, ctx)),
  "talking-head": talkingHead,
};

export function rendererFor(el: VargElementJson, at: Placement): ComponentRenderer {
  const renderer = RENDERERS[el.type];
  if (!renderer) {
    const where = at.where ? ` in ${at.where}` : "";
    throw new ComposeError(`${tagOf(el)}${where} is not a varg element this service renders`);
  }
  return renderer;
}

/** The length of an element the SDK renders as its own video layer (Packshot, Slider, Swipe). */
export function videoLengthOf(el: VargElementJson, ctx: ComposeContext): number | undefined {
  return RENDERERS[el.type]?.videoLength?.(el, ctx);
}
