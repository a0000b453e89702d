// <Packshot>: the varg SDK's end card (src/react/renderers/packshot.ts, packshot/blinking-button.ts):
// a background (colour, or an image/video covering the frame; black by default), a logo
// (40% of the frame's width, centred), a title, and a CTA: static text, or with `blinkCta` a
// rounded gradient button that pulses (scale and brightness, elastic, every `blinkFrequency` s)
// with a glow. The pulse is a seeked CSS animation starting with the packshot.
import { isElement, type VargElementJson } from "../../tree.ts";
import { parseColor } from "../color.ts";
import { cssSeconds, decimal, escapeHtml, px } from "../escape.ts";
import { mediaUrlOf, numberProp, tagOf } from "../props.ts";
import { ComposeError, type ComposeContext, type Placement } from "../types.ts";
import { inside, type RenderChild } from "./layouts.ts";
import { mediaFor } from "./media.ts";
import { fittedFontSize, TEXT_CSS } from "./text.ts";

const POSITIONS = ["top", "top-left", "top-right", "center", "center-left", "center-right", "bottom", "bottom-left", "bottom-right"] as const;
type Position = (typeof POSITIONS)[number];

/** A SizeValue (number = px, "N%", "Npx") as a fraction of `total`; NaN when unreadable. */
function fraction(value: unknown, total: number): number {
  if (typeof value === "number") return value / total;
  const m = typeof value === "string" ? /^(-?\d+(?:\.\d+)?)(%|px)$/.exec(value.trim()) : null;
  if (!m) return NaN;
  return m[2] === "%" ? Number(m[1]) / 100 : Number(m[1]) / total;
}

/** A Position string, or a {x, y} object snapped to the nearest one by thirds (positionObjectToString).
 *  The SDK measures pixel objects against 1 × 1 (so they all land bottom-right); we use the frame. */
function positionProp(value: unknown, fallback: Position, what: string, ctx: ComposeContext): Position {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "string" && (POSITIONS as readonly string[]).includes(value)) return value as Position;
  if (typeof value === "object" && value !== null && "x" in value && "y" in value) {
    const fx = fraction(value.x, ctx.width);
    const fy = fraction(value.y, ctx.height);
    if (Number.isFinite(fx) && Number.isFinite(fy)) {
      const col = fx < 0.33 ? "left" : fx > 0.67 ? "right" : "center";
      const row = fy < 0.33 ? "top" : fy > 0.67 ? "bottom" : "center";
      if (col === "center") return row;
      return `${row}-${col}` as Position;
    }
  }
  throw new ComposeError(`${what} must be one of ${POSITIONS.join(", ")} or {x, y}, got ${JSON.stringify(value)}`);
}

/** editly's overlay/drawtext anchors: 10% in from an edge, else centred. */
function anchorCss(pos: Position): string {
  const x = pos.includes("left") ? "left: 10%;" : pos.includes("right") ? "right: 10%;" : "left: 50%;";
  const y = pos.includes("top") ? "top: 10%;" : pos.includes("bottom") ? "bottom: 10%;" : "top: 50%;";
  const tx = pos.includes("left") || pos.includes("right") ? "0" : "-50%";
  const ty = pos.includes("top") || pos.includes("bottom") ? "0" : "-50%";
  return `${x} ${y} transform: translate(${tx}, ${ty});`;
}

/** editly's title layer (getTitleFilter), drawn as the core's <Title> is: the page's text
 *  layout script places the glyph box where drawtext would (data-ax / data-ay). */
function titleHtml(text: string, color: string, pos: Position, ctx: ComposeContext, cls: string): string {
  ctx.addCss(TEXT_CSS);
  const ax = pos.includes("left") ? "left" : pos.includes("right") ? "right" : "center";
  const ay = pos.startsWith("top") ? "top" : pos.startsWith("bottom") ? "bottom" : "center";
  const size = fittedFontSize(text, ctx.width, ctx.height, 0.08);
  return `<div class="vg-text ${cls}" data-ax="${ax}" data-ay="${ay}" style="font-size: ${size}px; color: ${color};">${escapeHtml(text)}</div>`;
}

// ---- The blinking CTA (createBlinkingButton) -------------------------------------------------

/** oscExpr: 0 → 1.15 (overshoot, first quarter) → 1.0 → 0 (falls over the last 60%) each period. */
function osc(phase: number): number {
  if (phase < 0.25) return Math.sin((phase / 0.25) * (Math.PI / 2)) * 1.15;
  if (phase < 0.4) return 1.15 - (0.15 * (phase - 0.25)) / 0.15;
  return Math.cos(((phase - 0.4) / 0.6) * (Math.PI / 2));
}

function blinkKeyframes(): string {
  const phases = [...Array.from({ length: 21 }, (_, k) => k / 20), 0.25, 0.4].sort((a, b) => a - b);
  const at = (f: (o: number) => string) => phases.map((p) => `${Math.round(p * 1e4) / 100}% { ${f(osc(p))} }`).join(" ");
  // eq=gamma 0.85 → 1.2 in the SDK; CSS has no gamma filter, brightness follows the same curve.
  return (
    `@keyframes rf-cta-scale { ${at((o) => `transform: scale(${decimal(1 + 0.12 * o, 4)});`)} }\n` +
    `@keyframes rf-cta-bright { ${at((o) => `filter: brightness(${decimal(0.85 + 0.35 * Math.max(0, o), 4)});`)} }`
  );
}

const even = (n: number) => (n % 2 === 0 ? n : n + 1);

function ctaSize(el: VargElementJson, where: string): { width?: number; height?: number } {
  const size = el.props.ctaSize;
  if (size === undefined || size === null) return {};
  if (typeof size !== "object" || Array.isArray(size) || isElement(size)) {
    throw new ComposeError(`<Packshot> ctaSize in ${where} must be { width, height } in pixels, got ${JSON.stringify(size)}`);
  }
  const read = (key: "width" | "height") => numberProp({ ...el, props: size as VargElementJson["props"] }, key, where, { positive: true, max: 10000 });
  return { width: read("width"), height: read("height") };
}

function blinkingButton(el: VargElementJson, text: string, ctx: ComposeContext, at: Placement, where: string): string {
  const p = el.props;
  const size = ctaSize(el, where);
  const w = size.width ?? Math.floor(ctx.width * 0.7);
  const h = size.height ?? Math.floor(ctx.height * 0.09);
  const period = numberProp(el, "blinkFrequency", where, { min: 0.05, max: 60 }) ?? 0.8;
  const bg = p.ctaColor == null ? "#FF6B00" : parseColor(p.ctaColor, `<Packshot> ctaColor in ${where}`);
  const fg = p.ctaTextColor == null ? "#FFFFFF" : parseColor(p.ctaTextColor, `<Packshot> ctaTextColor in ${where}`);
  // The SDK renders the button on a padded canvas and places the canvas, not the button: "top"
  // puts the canvas's top edge at 15% (the button lands lower), "bottom" centres it at 78%.
  const padding = Math.ceil(Math.max(w, h) * (1.14 * 1.15 - 1) * 2) + 36;
  const canvasH = even(h + padding * 2);
  const pos = ctaVertical(p.ctaPosition, ctx, where);
  const canvasTop = pos === "top" ? Math.floor(ctx.height * 0.15) : pos === "center" ? Math.floor((ctx.height - canvasH) / 2) : Math.floor(ctx.height * 0.78 - canvasH / 2);
  const centreY = canvasTop + canvasH / 2;
  // Text: TikTok Sans Bold through Pango at dpi = 2.8 × floor(0.55 h) with its default 12 pt.
  const textPx = Math.floor(Math.floor(h * 0.55) * 2.8) / 6;
  const gradient = `linear-gradient(to bottom, rgb(from ${bg} calc(r * 1.15) calc(g * 1.15) calc(b * 1.15)), rgb(from ${bg} calc(r * 0.95) calc(g * 0.95) calc(b * 0.95)))`;
  const radius = Math.floor(h * 0.45);
  ctx.addCss(blinkKeyframes());
  const timing = `${cssSeconds(period)} linear ${cssSeconds(at.start)} infinite`;
  return (
    `<div class="rf-cta" style="position: absolute; left: ${px(ctx.width / 2 - w / 2)}; top: ${px(centreY - h / 2)}; width: ${px(w)}; height: ${px(h)}; animation: rf-cta-scale ${timing}">` +
    `<div style="position: absolute; inset: 0; border-radius: ${px(radius)}; background: ${gradient}; filter: blur(18px) brightness(1.4); opacity: 0.6; transform: scale(1.15)"></div>` +
    `<div style="position: absolute; inset: 0; border-radius: ${px(radius)}; background: ${gradient}; display: flex; align-items: center; justify-content: center; ` +
    `white-space: pre; font-family: "TikTok Sans", "DejaVu Sans", sans-serif; font-weight: 700; font-size: ${px(textPx)}; color: ${fg}; animation: rf-cta-bright ${timing}">${escapeHtml(text)}</div>` +
    `</div>`
  );
}

/** mapCtaPosition: the button only knows top, center and bottom (the default). */
function ctaVertical(value: unknown, ctx: ComposeContext, where: string): "top" | "center" | "bottom" {
  const pos = positionProp(value, "bottom", `<Packshot> ctaPosition in ${where}`, ctx);
  return pos.startsWith("top") ? "top" : pos.startsWith("center") ? "center" : "bottom";
}

// ---- The card -----------------------------------------------------------------------------------

export function renderPackshot(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const where = at.where ?? "the scene";
  const name = (key: string) => `${tagOf(el)} ${key} in ${where}`;
  const p = el.props;
  const layers: string[] = [];
  let fill = "#000000";
  if (typeof p.background === "string") fill = parseColor(p.background, name("background"));
  else if (isElement(p.background) && (p.background.type === "image" || p.background.type === "video")) {
    // A full-frame cover layer of its own video in the SDK: no clip-level trims reach it.
    const bg = p.background;
    const { clip: _clip, ...window } = inside(el, at);
    layers.push(renderChild({ ...bg, props: { ...bg.props, resize: "cover" } }, ctx, window));
  } else if (p.background != null) {
    throw new ComposeError(`${name("background")} must be a colour, an <Image> or a <Video>`);
  }
  if (p.logo != null) {
    const logo = typeof p.logo === "string" ? { ...el, type: "image", props: { src: p.logo }, children: [] } : isElement(p.logo) && p.logo.type === "image" ? p.logo : null;
    if (!logo || !mediaUrlOf(logo)) throw new ComposeError(`${name("logo")} must be an image URL or an <Image> with a source`);
    const media = mediaFor(logo, ctx, inside(el, at), "image");
    const width = fraction(p.logoSize ?? "40%", ctx.width);
    if (!(width > 0)) throw new ComposeError(`${name("logoSize")} must be pixels or a percentage ("40%", "120px", 120), got ${JSON.stringify(p.logoSize)}`);
    const pos = positionProp(p.logoPosition, "center", name("logoPosition"), ctx);
    layers.push(`<img class="rf-packshot-logo" src="${escapeHtml(media.path)}" alt="" style="position: absolute; ${anchorCss(pos)} width: ${px(Math.round(width * ctx.width))}; height: auto;">`);
  }
  if (typeof p.title === "string" && p.title) {
    const color = p.titleColor == null ? "#FFFFFF" : parseColor(p.titleColor, name("titleColor"));
    layers.push(titleHtml(p.title, color, positionProp(p.titlePosition, "center", name("titlePosition"), ctx), ctx, "rf-packshot-title"));
  }
  if (typeof p.cta === "string" && p.cta) {
    if (p.blinkCta === true) layers.push(blinkingButton(el, p.cta, ctx, at, where));
    else {
      // A static CTA is a title in ctaColor (not ctaTextColor), as the SDK draws it.
      const color = p.ctaColor == null ? "white" : parseColor(p.ctaColor, name("ctaColor"));
      layers.push(titleHtml(p.cta, color, positionProp(p.ctaPosition, "bottom", name("ctaPosition"), ctx), ctx, "rf-packshot-cta"));
    }
  }
  return `<div class="rf-packshot" style="position: absolute; inset: 0; overflow: hidden; background: ${fill};">${layers.join("")}</div>`;
}

/** The packshot's own length (a clip without a duration takes it): `duration`, else 3 s. */
export function packshotDuration(el: VargElementJson, where = "the scene"): number {
  return numberProp(el, "duration", where, { positive: true, max: 3600 }) ?? 3;
}
