// <Image>: a still, full frame or in a box, with the SDK's resize modes and Ken Burns zoom
// (src/react/renderers/clip.ts builds an "image" layer, or an "image-overlay" layer when any
// of left/top/width/height is set; layers.ts getImageFilter / getImageOverlayFilter draw them).
//
// Deviation: the SDK composites positioned images over the whole video (collectImageOverlays:
// "global" overlays, like the Split/Grid bug listed in API-VARG.md); here they stay in their clip.
import type { VargElementJson } from "../../tree.ts";
import { enumProp, sizeProp } from "../props.ts";
import type { ComponentRenderer, ComposeContext, Placement } from "../types.ts";
import { CROP_POSITIONS, RESIZE_MODES, ZOOMS, boxed, fullFrame, useBaseCss, zoomStyle, type Box, type Zoom } from "./fit.ts";
import { mediaFor } from "./media.ts";

const POSITION_KEYS = ["left", "top", "width", "height"] as const;

export function hasBox(props: Record<string, unknown>): boolean {
  return POSITION_KEYS.some((k) => props[k] !== undefined && props[k] !== null);
}

/** The zoom of an image: a full-frame Image zooms "in" by default, a boxed one not at all. */
function zoomOf(el: VargElementJson, where: string, boxedImage: boolean): Zoom | null {
  if (el.props.zoom === null) return null;
  return enumProp(el, "zoom", ZOOMS, where) ?? (boxedImage ? null : "in");
}

/** An image in a box (getImageOverlayFilter): 30% of the width unless given; covers the box, or keeps its aspect without a height. */
export function imageInBox(el: VargElementJson, ctx: ComposeContext, at: Placement, sizes: Record<string, unknown>): string {
  const where = at.where ?? "the scene";
  const info = mediaFor(el, ctx, at, "image");
  const width = sizeProp(el, "width", ctx.width, where, sizes.width as never) ?? Math.round(ctx.width * 0.3);
  let height = sizeProp(el, "height", ctx.height, where, sizes.height as never);
  const mode = enumProp(el, "resize", RESIZE_MODES, where) ?? "cover";
  const crop = enumProp(el, "cropPosition", CROP_POSITIONS, where);
  const zoom = zoomStyle(zoomOf(el, where, true), at.start, at.duration);
  let fit: "cover" | "contain" | "fill" = mode === "contain" ? "contain" : mode === "stretch" ? "fill" : "cover";
  if (height === undefined && info.width && info.height) {
    // scale=W:-2: the aspect kept, the height rounded to an even number.
    height = Math.max(2, Math.round((width * info.height) / info.width / 2) * 2);
    fit = "fill";
  }
  const box: Box = {
    left: sizeProp(el, "left", ctx.width, where, sizes.left as never) ?? 0,
    top: sizeProp(el, "top", ctx.height, where, sizes.top as never) ?? 0,
    width,
    ...(height !== undefined ? { height } : {}),
  };
  return boxed({ tag: "img", path: info.path }, box, fit, { crop, bars: mode === "contain", zoom });
}

/** A full-frame image. */
export function imageFullFrame(el: VargElementJson, ctx: ComposeContext, at: Placement): string {
  const where = at.where ?? "the scene";
  const info = mediaFor(el, ctx, at, "image");
  const zoom = zoomOf(el, where, false);
  // Without `resize`, a zooming image is stretched to the frame (zoompan rescales the whole
  // enlarged image to W×H — the SDK's own warning: "Current default stretches/crops"); a still
  // one is covered (scale up, crop).
  const mode = enumProp(el, "resize", RESIZE_MODES, where) ?? (zoom ? "stretch" : "cover");
  const crop = enumProp(el, "cropPosition", CROP_POSITIONS, where);
  return fullFrame({ tag: "img", path: info.path }, mode, crop, zoomStyle(zoom, at.start, at.duration));
}

export const image: ComponentRenderer = (el, ctx, at) => {
  useBaseCss(ctx);
  return hasBox(el.props) ? imageInBox(el, ctx, at, el.props) : imageFullFrame(el, ctx, at);
};
