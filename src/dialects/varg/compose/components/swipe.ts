// <Swipe>: the varg SDK's swipe (src/react/renderers/swipe.ts): like <Slider>, a slideshow of
// its image/video children, `interval` seconds a slide (default 3), pushed by the next with
// xfade slideleft/slideright/slideup/slidedown (`direction` left, the default, right, up, down)
// over 0.5 s. Its README calls it "Tinder-style cards"; its code draws plain slides, as here.
import type { VargElementJson } from "../../tree.ts";
import type { ComposeContext, Placement } from "../types.ts";
import { numberProp, oneOf } from "./captions.ts";
import type { RenderChild } from "./layouts.ts";
import { renderSlideshow, SLIDE_TRANSITION_S, slideshowDuration, slidesOf, type SlideTransition } from "./slider.ts";

const TRANSITIONS: Record<string, SlideTransition> = { left: "slideleft", right: "slideright", up: "slideup", down: "slidedown" };

function options(el: VargElementJson): { interval: number; transition: SlideTransition } {
  const direction = el.props.direction === undefined ? "left" : oneOf(el.props.direction, ["left", "right", "up", "down"] as const, "<Swipe> direction");
  // A slide must outlast its push out (xfade needs its inputs longer than the transition).
  const interval = el.props.interval === undefined ? 3 : numberProp(el.props.interval, "<Swipe> interval", SLIDE_TRANSITION_S, 3600);
  return { interval, transition: TRANSITIONS[direction]! };
}

export function renderSwipe(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const { interval, transition } = options(el);
  return renderSlideshow(slidesOf(el, "<Swipe>"), interval, transition, ctx, at, renderChild);
}

export function swipeDuration(el: VargElementJson, ctx: ComposeContext): number {
  return slideshowDuration(slidesOf(el, "<Swipe>"), options(el).interval, ctx);
}
