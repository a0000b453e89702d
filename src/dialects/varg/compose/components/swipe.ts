// <Swipe>: the varg SDK's swipe (src/react/renderers/swipe.ts): like <Slider>, a slideshow of
// its image/video children, `interval` seconds a slide (default 3), pushed by the next with
// xfade slideleft/slideright/slideup/slidedown (`direction` left, the default, right, up, down)
// over 0.5 s. Its README calls it "Tinder-style cards"; its code draws plain slides, as here.
import type { VargElementJson } from "../../tree.ts";
import { enumProp, numberProp } from "../props.ts";
import type { ComposeContext, Placement } from "../types.ts";
import type { RenderChild } from "./layouts.ts";
import { renderSlideshow, SLIDE_TRANSITION_S, slideshowDuration, slidesOf, type SlideTransition } from "./slider.ts";

const TRANSITIONS: Record<string, SlideTransition> = { left: "slideleft", right: "slideright", up: "slideup", down: "slidedown" };

function options(el: VargElementJson, where: string): { interval: number; transition: SlideTransition } {
  const direction = enumProp(el, "direction", ["left", "right", "up", "down"] as const, where) ?? "left";
  // A slide must outlast its push out (xfade needs its inputs longer than the transition).
  const interval = numberProp(el, "interval", where, { min: SLIDE_TRANSITION_S, max: 3600 }) ?? 3;
  return { interval, transition: TRANSITIONS[direction]! };
}

export function renderSwipe(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const where = at.where ?? "the scene";
  const { interval, transition } = options(el, where);
  return renderSlideshow(el, slidesOf(el, where), interval, transition, ctx, at, renderChild);
}

/** The swipe's own length (a clip without a duration takes it). */
export function swipeDuration(el: VargElementJson, ctx: ComposeContext, where = "the scene"): number {
  return slideshowDuration(slidesOf(el, where), options(el, where).interval, ctx, where);
}
