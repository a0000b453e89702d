// <Slider>: a slideshow of its image/video children, as the varg SDK renders it
// (src/react/renderers/slider.ts through editly): 3 s a slide (a video: its length if shorter),
// each slide pushed out by the next with xfade "slideleft" (horizontal) or "slideup"
// (vertical) lasting 0.5 s, so slides overlap by 0.5 s. Each slide is a clip with its window;
// the push is two seeked CSS animations (the outgoing slide leaves as the incoming one enters).
import type { VargElementJson } from "../../tree.ts";
import { cssSeconds, sec } from "../escape.ts";
import { enumProp, mediaUrlOf, numberProp, tagOf } from "../props.ts";
import { ComposeError, type ComposeContext, type Placement } from "../types.ts";
import { elementChildren, inside, type RenderChild, withDefaults } from "./layouts.ts";

export const SLIDE_TRANSITION_S = 0.5;

/** xfade's slide transitions: where the outgoing slide goes and the incoming one comes from. */
const MOTION = {
  slideleft: { axis: "X", out: "-100%", in: "100%" },
  slideright: { axis: "X", out: "100%", in: "-100%" },
  slideup: { axis: "Y", out: "-100%", in: "100%" },
  slidedown: { axis: "Y", out: "100%", in: "-100%" },
} as const;
export type SlideTransition = keyof typeof MOTION;

/** The slides a slideshow draws: images and videos only (the SDK skips anything else). */
export function slidesOf(el: VargElementJson, where: string): VargElementJson[] {
  const slides = elementChildren(el, where).filter((child) => child.type === "image" || child.type === "video");
  if (!slides.length) throw new ComposeError(`${tagOf(el)} in ${where} needs at least one <Image> or <Video> child`);
  return slides;
}

/** A video slide lasts its trimmed length when shorter than the interval (editly's clamp). */
function slideLength(slide: VargElementJson, interval: number, ctx: ComposeContext, where: string): number {
  if (slide.type !== "video") return interval;
  const url = mediaUrlOf(slide);
  const known = url ? ctx.media(url).duration : undefined;
  if (!known) return interval;
  const cutFrom = numberProp(slide, "cutFrom", where, { min: 0 }) ?? 0;
  const cutTo = Math.min(numberProp(slide, "cutTo", where, { min: 0 }) ?? known, known);
  return Math.max(0, Math.min(interval, cutTo - cutFrom));
}

/** Start (from the slideshow's start) and length of each slide. */
export function slideTimes(slides: VargElementJson[], interval: number, ctx: ComposeContext, where: string): Array<{ start: number; length: number }> {
  let start = 0;
  return slides.map((slide) => {
    const length = slideLength(slide, interval, ctx, where);
    const time = { start, length };
    start += Math.max(0, length - SLIDE_TRANSITION_S);
    return time;
  });
}

/** How long a slideshow runs on its own (for a clip whose duration is "auto"). */
export function slideshowDuration(slides: VargElementJson[], interval: number, ctx: ComposeContext, where: string): number {
  const times = slideTimes(slides, interval, ctx, where);
  const last = times.at(-1)!;
  return last.start + last.length;
}

export function renderSlideshow(
  el: VargElementJson,
  slides: VargElementJson[],
  interval: number,
  transition: SlideTransition,
  ctx: ComposeContext,
  at: Placement,
  renderChild: RenderChild,
): string {
  // Each slide is a video of its own in the SDK: no clip-level trims reach it.
  const { where } = inside(el, at);
  const motion = MOTION[transition];
  const move = (from: string, to: string) => `{ from { transform: translate${motion.axis}(${from}); } to { transform: translate${motion.axis}(${to}); } }`;
  ctx.addCss(`@keyframes rf-${transition}-out ${move("0", motion.out)}\n@keyframes rf-${transition}-in ${move(motion.in, "0")}`);
  const times = slideTimes(slides, interval, ctx, where!);
  const end = at.start + at.duration;
  const html: string[] = [];
  slides.forEach((slide, i) => {
    const start = at.start + times[i]!.start;
    if (start >= end) return;
    const next = times[i + 1];
    // The last slide holds to the end of the window, as the slideshow's last frame would.
    const slideEnd = next ? Math.min(end, start + times[i]!.length) : end;
    const animations: string[] = [];
    if (i > 0) animations.push(`rf-${transition}-in ${cssSeconds(SLIDE_TRANSITION_S)} linear ${cssSeconds(start)} both`);
    if (next) animations.push(`rf-${transition}-out ${cssSeconds(SLIDE_TRANSITION_S)} linear ${cssSeconds(at.start + next.start)} forwards`);
    const style = `position: absolute; inset: 0; overflow: hidden${animations.length ? `; animation: ${animations.join(", ")}` : ""}`;
    const inner = renderChild(withDefaults(slide, { resize: "cover" }), ctx, { start, duration: slideEnd - start, ...(where ? { where } : {}) });
    html.push(`<div class="rf-slide" data-start="${sec(start)}" data-duration="${sec(slideEnd - start)}" style="${style}">${inner}</div>`);
  });
  return `<div class="rf-slideshow" style="position: absolute; inset: 0; overflow: hidden">${html.join("")}</div>`;
}

const SLIDER_INTERVAL_S = 3;

function sliderTransition(el: VargElementJson, where: string): SlideTransition {
  const direction = enumProp(el, "direction", ["horizontal", "vertical"] as const, where) ?? "horizontal";
  return direction === "horizontal" ? "slideleft" : "slideup";
}

export function renderSlider(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const where = at.where ?? "the scene";
  return renderSlideshow(el, slidesOf(el, where), SLIDER_INTERVAL_S, sliderTransition(el, where), ctx, at, renderChild);
}

/** The slider's own length (a clip without a duration takes it). */
export function sliderDuration(el: VargElementJson, ctx: ComposeContext, where = "the scene"): number {
  return slideshowDuration(slidesOf(el, where), SLIDER_INTERVAL_S, ctx, where);
}

