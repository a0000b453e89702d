// <Packshot>: the varg SDK's end card (src/react/renderers/packshot.ts, packshot/blinking-button.ts):
// a background (colour, or an image/video covering the frame; black by default), a logo
// (40% of the frame's width, centred), a title, and a CTA: static text, or with `blinkCta` a
// rounded gradient button that pulses (scale and brightness, elastic, every `blinkFrequency` s)
// with a glow. The pulse is a seeked CSS animation starting with the packshot.
import { isElement, type VargElementJson } from "../../tree.ts";
import { ComposeError, type ComposeContext, type Placement } from "../types.ts";
import { cssColor, escapeHtml, ms, numberProp } from "./captions.ts";
import type { RenderChild } from "./layouts.ts";

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
  if (value === undefined) return fallback;
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

/** The URL of an image given as a string or an <Image> element. */
function imageUrl(value: unknown, what: string): string {
  if (typeof value === "string") return value;
  if (isElement(value) && value.type === "image") {
    const url = typeof value.props.src === "string" ? value.props.src : value.resolved?.url;
    if (url) return url;
  }
  throw new ComposeError(`${what} must be an image URL or an <Image> element with a source`);
}

/** editly's title layer (getTitleFilter): one line, sized to fit 90% of the width, at most 8% of the short side. */
function titleHtml(text: string, color: string, pos: Position, ctx: ComposeContext, cls: string): string {
  const fitted = Math.floor((ctx.width * 0.9) / (Array.from(text).length * 0.55));
  const size = Math.max(16, Math.min(Math.round(Math.min(ctx.width, ctx.height) * 0.08), fitted));
  return (
    `<div class="${cls}" style="position: absolute; ${anchorCss(pos)} white-space: pre; line-height: 1; ` +
    `font-family: sans-serif; font-size: ${size}px; color: ${color}">${escapeHtml(text)}</div>`
  );
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
    `@keyframes rf-cta-scale { ${at((o) => `transform: scale(${(1 + 0.12 * o).toFixed(4)});`)} }\n` +
    `@keyframes rf-cta-bright { ${at((o) => `filter: brightness(${(0.85 + 0.35 * Math.max(0, o)).toFixed(4)});`)} }`
  );
}

const even = (n: number) => (n % 2 === 0 ? n : n + 1);

function blinkingButton(el: VargElementJson, text: string, ctx: ComposeContext, at: Placement): string {
  const p = el.props;
  const size = p.ctaSize as { width?: unknown; height?: unknown } | undefined;
  const w = size?.width === undefined ? Math.floor(ctx.width * 0.7) : numberProp(size.width, "<Packshot> ctaSize.width", 1, 10000);
  const h = size?.height === undefined ? Math.floor(ctx.height * 0.09) : numberProp(size.height, "<Packshot> ctaSize.height", 1, 10000);
  const period = p.blinkFrequency === undefined ? 0.8 : numberProp(p.blinkFrequency, "<Packshot> blinkFrequency", 0.05, 60);
  const bg = p.ctaColor === undefined ? "#FF6B00" : cssColor(p.ctaColor, "<Packshot> ctaColor");
  const fg = p.ctaTextColor === undefined ? "#FFFFFF" : cssColor(p.ctaTextColor, "<Packshot> ctaTextColor");
  // The SDK renders the button on a padded canvas and places the canvas, not the button: "top"
  // puts the canvas's top edge at 15% (the button lands lower), "bottom" centres it at 78%.
  const padding = Math.ceil(Math.max(w, h) * (1.14 * 1.15 - 1) * 2) + 36;
  const canvasH = even(h + padding * 2);
  const pos = ctaVertical(p.ctaPosition, ctx);
  const canvasTop = pos === "top" ? Math.floor(ctx.height * 0.15) : pos === "center" ? Math.floor((ctx.height - canvasH) / 2) : Math.floor(ctx.height * 0.78 - canvasH / 2);
  const centreY = canvasTop + canvasH / 2;
  // Text: TikTok Sans Bold through Pango at dpi = 2.8 × floor(0.55 h) with its default 12 pt.
  const textPx = Math.floor(Math.floor(h * 0.55) * 2.8) / 6;
  const gradient = `linear-gradient(to bottom, rgb(from ${bg} calc(r * 1.15) calc(g * 1.15) calc(b * 1.15)), rgb(from ${bg} calc(r * 0.95) calc(g * 0.95) calc(b * 0.95)))`;
  const radius = Math.floor(h * 0.45);
  ctx.addCss(blinkKeyframes());
  const timing = `${ms(period)} linear ${ms(at.start)} infinite`;
  return (
    `<div class="rf-cta" style="position: absolute; left: ${ctx.width / 2 - w / 2}px; top: ${centreY - h / 2}px; width: ${w}px; height: ${h}px; animation: rf-cta-scale ${timing}">` +
    `<div style="position: absolute; inset: 0; border-radius: ${radius}px; background: ${gradient}; filter: blur(18px) brightness(1.4); opacity: 0.6; transform: scale(1.15)"></div>` +
    `<div style="position: absolute; inset: 0; border-radius: ${radius}px; background: ${gradient}; display: flex; align-items: center; justify-content: center; ` +
    `white-space: pre; font-family: 'TikTok Sans', sans-serif; font-weight: 700; font-size: ${textPx.toFixed(2)}px; color: ${fg}; animation: rf-cta-bright ${timing}">${escapeHtml(text)}</div>` +
    `</div>`
  );
}

/** mapCtaPosition: the button only knows top, center and bottom (the default). */
function ctaVertical(value: unknown, ctx: ComposeContext): "top" | "center" | "bottom" {
  const pos = positionProp(value, "bottom", "<Packshot> ctaPosition", ctx);
  return pos.startsWith("top") ? "top" : pos.startsWith("center") ? "center" : "bottom";
}

// ---- The card -----------------------------------------------------------------------------------

export function renderPackshot(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const p = el.props;
  const layers: string[] = [];
  let fill = "#000000";
  if (typeof p.background === "string") fill = cssColor(p.background, "<Packshot> background");
  else if (isElement(p.background) && (p.background.type === "image" || p.background.type === "video")) {
    const bg = p.background;
    layers.push(renderChild({ ...bg, props: { ...bg.props, resize: "cover" } }, ctx, at));
  } else if (p.background !== undefined) {
    throw new ComposeError("<Packshot> background must be a colour, an <Image> or a <Video>");
  }
  if (p.logo !== undefined) {
    const media = ctx.media(imageUrl(p.logo, "<Packshot> logo"));
    const width = fraction(p.logoSize ?? "40%", ctx.width);
    if (!(width > 0)) throw new ComposeError(`<Packshot> logoSize must be pixels or a percentage ("40%", "120px", 120), got ${JSON.stringify(p.logoSize)}`);
    const pos = positionProp(p.logoPosition, "center", "<Packshot> logoPosition", ctx);
    layers.push(`<img class="rf-packshot-logo" src="${escapeHtml(media.path)}" alt="" style="position: absolute; ${anchorCss(pos)} width: ${Math.round(width * ctx.width)}px; height: auto">`);
  }
  if (typeof p.title === "string" && p.title) {
    const color = p.titleColor === undefined ? "#FFFFFF" : cssColor(p.titleColor, "<Packshot> titleColor");
    layers.push(titleHtml(p.title, color, positionProp(p.titlePosition, "center", "<Packshot> titlePosition", ctx), ctx, "rf-packshot-title"));
  }
  if (typeof p.cta === "string" && p.cta) {
    if (p.blinkCta === true) layers.push(blinkingButton(el, p.cta, ctx, at));
    else {
      // A static CTA is a title in ctaColor (not ctaTextColor), as the SDK draws it.
      const color = p.ctaColor === undefined ? "white" : cssColor(p.ctaColor, "<Packshot> ctaColor");
      layers.push(titleHtml(p.cta, color, positionProp(p.ctaPosition, "bottom", "<Packshot> ctaPosition", ctx), ctx, "rf-packshot-cta"));
    }
  }
  return `<div class="rf-packshot" style="position: absolute; inset: 0; overflow: hidden; background: ${fill}">${layers.join("")}</div>`;
}

/** The packshot's own length (for a clip whose duration is "auto"): `duration`, else 3 s. */
export function packshotDuration(el: VargElementJson): number {
  return el.props.duration === undefined ? 3 : numberProp(el.props.duration, "<Packshot> duration", 0, 3600);
}
