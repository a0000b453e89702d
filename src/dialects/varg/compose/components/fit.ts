// How an image or video fills the frame or a box, as the SDK's editly layers scale them
// (src/ai-sdk/providers/editly/layers.ts), and Image's Ken Burns `zoom` (its zoompan).
//
// - full frame (getImageFilter / getVideoFilter): "cover" (the default: scale up, crop; the
//   crop anchor is `cropPosition`), "contain" (scale down, black bars), "stretch", and
//   "contain-blur" (contain over a blurred cover copy: boxblur=20:5 ≈ a Gaussian of σ 26.5 px).
//   The types' doc comment says the default is contain-blur (inherited from editly); the code
//   uses cover — code wins.
// - boxes (overlays): a Video scales "decrease" (contain, no bars) and sits at the box's
//   top-left; an Image overlay covers its box (contain pads it black), or keeps its aspect
//   when no height is given (scale=W:-2).
// - zoom (zoompan): z = start + (end − start)·on/N with N = ⌈d·30⌉ frames at 30 fps; "in"
//   1 → 1.1, "out" 1.1 → 1, centred; "left"/"right" hold 1.1 and pan the crop window from the
//   right edge to the left (left) or the reverse. A full-frame Image zooms "in" unless told
//   otherwise (zoomDirection ?? "in"); `zoom={null}` turns it off; overlays do not zoom by
//   default.
//
// With zoom and no `resize`, zoompan rescales the whole enlarged image to W×H: a stretch (the
// SDK's own deprecation warning says "Current default stretches/crops"); copied (image.ts).
// Deviations: with resize="contain" zoompan squeezes the image into a square first, and
// "contain-blur" with a zoom falls into the stretch branch — both break the aspect the mode
// promises, so here they zoom the contained (or contain-blurred) frame instead.
import { escapeHtml, px, sec, cssSeconds } from "../escape.ts";
import type { ComposeContext } from "../types.ts";

export const RESIZE_MODES = ["cover", "contain", "stretch", "contain-blur"] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];
export const CROP_POSITIONS = ["center", "top", "bottom", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right"] as const;
export type CropPosition = (typeof CROP_POSITIONS)[number];
export const ZOOMS = ["in", "out", "left", "right"] as const;
export type Zoom = (typeof ZOOMS)[number];

/** getCropPositionExpr: which part of a covering image stays in frame. */
export function objectPosition(crop: CropPosition | undefined): string {
  const x = crop?.includes("left") ? "0%" : crop?.includes("right") ? "100%" : "50%";
  const y = crop?.startsWith("top") ? "0%" : crop?.startsWith("bottom") ? "100%" : "50%";
  return `${x} ${y}`;
}

const ZOOM_AMOUNT = 0.1;
const ZOOMPAN_FPS = 30;

// Text: the varg reference draws it with FFmpeg (drawtext, libass), not with Chromium, so the
// HyperFrames reference's text-rendering: geometricPrecision, which src/render/fonts/ puts first
// on every page, is not its look: varg pages keep Chromium's default.
export const BASE_CSS = `
html, body, * { text-rendering: auto; }
.vg-layer { position: absolute; inset: 0; overflow: hidden; background: #000; }
.vg-fill { position: absolute; inset: 0; }
.vg-media { position: absolute; left: 0; top: 0; width: 100%; height: 100%; display: block; }
.vg-blur { position: absolute; left: -80px; top: -80px; width: calc(100% + 160px); height: calc(100% + 160px); object-fit: cover; filter: blur(26.46px); display: block; }
.vg-box { position: absolute; overflow: hidden; }
@keyframes vg-zoom-in { from { transform: scale(1); } to { transform: scale(${1 + ZOOM_AMOUNT}); } }
@keyframes vg-zoom-out { from { transform: scale(${1 + ZOOM_AMOUNT}); } to { transform: scale(1); } }
@keyframes vg-zoom-left { from { transform: translate(${-ZOOM_AMOUNT * 100}%, ${-ZOOM_AMOUNT * 50}%) scale(${1 + ZOOM_AMOUNT}); } to { transform: translate(0%, ${-ZOOM_AMOUNT * 50}%) scale(${1 + ZOOM_AMOUNT}); } }
@keyframes vg-zoom-right { from { transform: translate(0%, ${-ZOOM_AMOUNT * 50}%) scale(${1 + ZOOM_AMOUNT}); } to { transform: translate(${-ZOOM_AMOUNT * 100}%, ${-ZOOM_AMOUNT * 50}%) scale(${1 + ZOOM_AMOUNT}); } }
`;

/** The Ken Burns animation of a layer that starts at `start` and lasts `duration` (style text). */
export function zoomStyle(zoom: Zoom | null, start: number, duration: number): string {
  if (!zoom) return "";
  // zoompan counts output frames at 30 fps over N = ⌈d·30⌉ frames: z(t) = 1 + 0.1·(30t)/N.
  const length = Math.ceil(duration * ZOOMPAN_FPS - 1e-9) / ZOOMPAN_FPS;
  const origin = zoom === "left" || zoom === "right" ? "transform-origin: 0 0; " : "";
  return `${origin}animation: vg-zoom-${zoom} ${cssSeconds(length)} linear ${cssSeconds(start)} 1 normal both;`;
}

export interface MediaTag {
  tag: "img" | "video";
  /** Project path of the file. */
  path: string;
  /** For videos: extra attributes (timing, audio), already escaped. */
  attrs?: string;
  /** A preview-mode stand-in (an SVG image) in place of a video that was not generated. */
  placeholder?: boolean;
}

function element(media: MediaTag, className: string, style: string, extra = ""): string {
  const src = `src="${escapeHtml(media.path)}"`;
  if (media.tag === "img") return `<img class="${className}" ${src} alt="" style="${style}">`;
  // The stand-in is a still image shown for the video's window; it has no sound to mix.
  if (media.placeholder) return `<img class="${className}" ${src} alt=""${stripAudio(media.attrs).replace(/ data-media-start="[^"]*"/, "")} style="${style}">`;
  return `<video class="${className}" ${src} muted playsinline preload="auto"${extra}${media.attrs ?? ""} style="${style}"></video>`;
}

/** A media layer filling the frame in `mode`, Ken Burns style on its inner frame. */
export function fullFrame(media: MediaTag, mode: ResizeMode, crop: CropPosition | undefined, zoom = ""): string {
  const fit = mode === "stretch" ? "fill" : mode === "cover" ? "cover" : "contain";
  const position = mode === "cover" ? objectPosition(crop) : "50% 50%";
  const main = element(media, "vg-media", `object-fit: ${fit}; object-position: ${position};`);
  // The blurred copy is a second, silent element (a <video> copy is seeked like the first).
  const blur = mode === "contain-blur" ? element({ ...media, attrs: stripAudio(media.attrs) }, "vg-blur", "") : "";
  return `<div class="vg-layer"><div class="vg-fill" style="${zoom}">${blur}${main}</div></div>`;
}

const stripAudio = (attrs = "") => attrs.replace(/ data-(has-audio|volume|fade-in|fade-out)="[^"]*"/g, "");

export interface Box {
  left: number;
  top: number;
  width: number;
  /** Undefined: the media keeps its aspect (the box takes its height). */
  height?: number;
}

/** A media layer inside a box: `fit` is the CSS object-fit; contain pads with black when `bars`. */
export function boxed(media: MediaTag, box: Box, fit: "cover" | "contain" | "fill", options: { crop?: CropPosition; anchorTopLeft?: boolean; bars?: boolean; zoom?: string } = {}): string {
  const size = `left: ${px(box.left)}; top: ${px(box.top)}; width: ${px(box.width)};${box.height !== undefined ? ` height: ${px(box.height)};` : ""}`;
  const position = options.anchorTopLeft ? "0% 0%" : fit === "cover" ? objectPosition(options.crop) : "50% 50%";
  const bars = options.bars ? " background: #000;" : "";
  if (box.height === undefined) {
    // Natural aspect: the element's own height follows its width.
    const inner = element(media, "vg-media", "position: relative; height: auto;");
    return `<div class="vg-box" style="${size}${bars}"><div class="vg-fill" style="position: relative; ${options.zoom ?? ""}">${inner}</div></div>`;
  }
  const inner = element(media, "vg-media", `object-fit: ${fit}; object-position: ${position};`);
  return `<div class="vg-box" style="${size}${bars}"><div class="vg-fill" style="${options.zoom ?? ""}">${inner}</div></div>`;
}

/** A timed wrapper: shown in [start, start + duration) of the timeline. */
export function timed(html: string, start: number, duration: number, style = "position: absolute; inset: 0;"): string {
  return `<div data-start="${sec(start)}" data-duration="${sec(duration)}" style="${style}">${html}</div>`;
}

/** Registers the shared CSS once. */
export function useBaseCss(ctx: ComposeContext): void {
  ctx.addCss(BASE_CSS);
}

