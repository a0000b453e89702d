// <Slider>: a slideshow of its image/video children, as the varg SDK renders it
// (src/react/renderers/slider.ts through editly): 3 s a slide (a video: its length if shorter),
// each slide pushed out by the next with xfade "slideleft" (horizontal) or "slideup"
// (vertical) lasting 0.5 s, so slides overlap by 0.5 s. Each slide is a clip with its window;
// the push is two seeked CSS animations (the outgoing slide leaves as the incoming one enters).
import type { VargElementJson } from "../../tree.ts";
import { ComposeError, type ComposeContext, type Placement } from "../types.ts";
import { ms, oneOf, sec } from "./captions.ts";
import { elementChildren, type RenderChild, withDefaults } from "./layouts.ts";

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
export function slidesOf(el: VargElementJson, what: string): VargElementJson[] {
  const slides = elementChildren(el, what).filter((child) => child.type === "image" || child.type === "video");
  if (!slides.length) throw new ComposeError(`${what} needs at least one <Image> or <Video> child`);
  return slides;
}

/** A video slide lasts its trimmed length when shorter than the interval (editly's clamp). */
function slideLength(slide: VargElementJson, interval: number, ctx: ComposeContext): number {
  if (slide.type !== "video") return interval;
  const url = typeof slide.props.src === "string" ? slide.props.src : slide.resolved?.url;
  const known = url ? ctx.media(url).duration : slide.resolved?.duration;
  if (!known) return interval;
  const cutFrom = typeof slide.props.cutFrom === "number" ? slide.props.cutFrom : 0;
  const cutTo = Math.min(typeof slide.props.cutTo === "number" ? slide.props.cutTo : known, known);
  return Math.max(0, Math.min(interval, cutTo - cutFrom));
}

/** Start (from the slideshow's start) and length of each slide. */
export function slideTimes(slides: VargElementJson[], interval: number, ctx: ComposeContext): Array<{ start: number; length: number }> {
  let start = 0;
  return slides.map((slide) => {
    const length = slideLength(slide, interval, ctx);
    const time = { start, length };
    start += Math.max(0, length - SLIDE_TRANSITION_S);
    return time;
  });
}

/** How long a slideshow runs on its own (for a clip whose duration is "auto"). */
export function slideshowDuration(slides: VargElementJson[], interval: number, ctx: ComposeContext): number {
  const times = slideTimes(slides, interval, ctx);
  const last = times.at(-1)!;
  return last.start + last.length;
}

export function renderSlideshow(
  slides: VargElementJson[],
  interval: number,
  transition: SlideTransition,
  ctx: ComposeContext,
  at: Placement,
  renderChild: RenderChild,
): string {
  const motion = MOTION[transition];
  const move = (from: string, to: string) => `{ from { transform: translate${motion.axis}(${from}); } to { transform: translate${motion.axis}(${to}); } }`;
  ctx.addCss(`@keyframes rf-${transition}-out ${move("0", motion.out)}\n@keyframes rf-${transition}-in ${move(motion.in, "0")}`);
  const times = slideTimes(slides, interval, ctx);
  const end = at.start + at.duration;
  const html: string[] = [];
  slides.forEach((slide, i) => {
    const start = at.start + times[i]!.start;
    if (start >= end) return;
    const next = times[i + 1];
    // The last slide holds to the end of the window, as the slideshow's last frame would.
    const slideEnd = next ? Math.min(end, start + times[i]!.length) : end;
    const animations: string[] = [];
    if (i > 0) animations.push(`rf-${transition}-in ${ms(SLIDE_TRANSITION_S)} linear ${ms(start)} both`);
    if (next) animations.push(`rf-${transition}-out ${ms(SLIDE_TRANSITION_S)} linear ${ms(at.start + next.start)} forwards`);
    const style = `position: absolute; inset: 0; overflow: hidden${animations.length ? `; animation: ${animations.join(", ")}` : ""}`;
    const inner = renderChild(withDefaults(slide, { resize: "cover" }), ctx, { start, duration: slideEnd - start });
    html.push(`<div class="rf-slide" data-start="${sec(start)}" data-duration="${sec(slideEnd - start)}" style="${style}">${inner}</div>`);
  });
  return `<div class="rf-slideshow" style="position: absolute; inset: 0; overflow: hidden">${html.join("")}</div>`;
}

const SLIDER_INTERVAL_S = 3;

export function sliderTransition(el: VargElementJson): SlideTransition {
  const direction = el.props.direction === undefined ? "horizontal" : oneOf(el.props.direction, ["horizontal", "vertical"] as const, "<Slider> direction");
  return direction === "horizontal" ? "slideleft" : "slideup";
}

export function renderSlider(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  return renderSlideshow(slidesOf(el, "<Slider>"), SLIDER_INTERVAL_S, sliderTransition(el), ctx, at, renderChild);
}

export function sliderDuration(el: VargElementJson, ctx: ComposeContext): number {
  return slideshowDuration(slidesOf(el, "<Slider>"), SLIDER_INTERVAL_S, ctx);
}

