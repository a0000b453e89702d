// <Title> and <Subtitle>: the SDK draws them with FFmpeg drawtext on the finished video
// (after the transitions, so a slide does not move them). editly layers.ts:
// - Title: font size max(16, min(round(min(W, H)·0.08), ⌊0.9W / (0.55·length)⌋)); x centred,
//   or 0.1W ("left" in position) / 0.9W − text_w ("right"); y centred, or 0.1H ("top") /
//   0.9H − text_h ("bottom"); colour default white; `outline` px border in outlineColor
//   (default black); `fontFamily` a fontconfig name. A position object is ignored (centre).
// - Subtitle: size max(16, min(round(min(W, H)·0.05), …)); white text centred at x, its middle
//   at 0.85H, on a box of backgroundColor (default black@0.7) padded by round(0.4·size).
//   renderSubtitle passes only text and backgroundColor: no position, colour or start/end.
// - Timing (collectTextLayers): start/end are clip-relative; without them the text shows
//   from the end of the transition in to the start of the transition out. enable='between'
//   includes its end frame, so the window runs half a frame past `end`. Not clipped to the
//   clip (a late `end` runs into the next clips, as in the SDK).
// drawtext's text_w is the advance width and text_h the glyph box (highest ascent to lowest
// descent of the text's own glyphs); the page measures both with canvas measureText (the
// layout script in ../text-layout.ts) and places each text box exactly where drawtext would.
// Font: drawtext's default is fontconfig's "Sans", which is DejaVu Sans on Debian (where the
// SDK renders) and is installed in Cloudflare's Browser Rendering too. DejaVu is not among the
// bundled fonts (src/render/fonts/), whose table would draw "DejaVu Sans" with Inter: the page
// declares it with its own @font-face on the system's files (local()), which the bundled
// fonts leave alone, so titles keep drawtext's font.
import type { VargElementJson } from "../../tree.ts";
import { parseColor } from "../color.ts";
import { decimal, escapeHtml, px, sec } from "../escape.ts";
import { numberProp, tagOf, textOf } from "../props.ts";
import { ComposeError, type ComponentRenderer, type ComposeContext, type Placement } from "../types.ts";

export const TEXT_FONT = `"DejaVu Sans", "Bitstream Vera Sans", sans-serif`;
export const DEJAVU_FACES = `@font-face { font-family: "DejaVu Sans"; src: local("DejaVu Sans"), local("DejaVuSans"); font-weight: 400; }
@font-face { font-family: "DejaVu Sans"; src: local("DejaVu Sans Bold"), local("DejaVuSans-Bold"); font-weight: 700; }`;
export const TEXT_CSS = `${DEJAVU_FACES}
.vg-text { position: absolute; left: 0; top: 0; margin: 0; white-space: pre; font-family: ${TEXT_FONT}; font-weight: normal; }
.vg-textbox { position: absolute; left: 0; top: 0; }`;

const POSITIONS = ["top", "top-left", "top-right", "center", "center-left", "center-right", "bottom", "bottom-left", "bottom-right", "left", "right"];

/** The window a text layer shows in (absolute seconds), as collectTextLayers computes it. */
export function textWindow(el: VargElementJson, ctx: ComposeContext, at: Placement, timed: boolean): { start: number; end: number } | null {
  const where = at.where ?? "the scene";
  const own = timed ? { start: numberProp(el, "start", where, { min: 0 }), end: numberProp(el, "end", where, { min: 0 }) } : {};
  const start = at.start + (own.start ?? at.clip?.inSeconds ?? 0);
  const end = at.start + (own.end ?? at.duration - (at.clip?.outSeconds ?? 0)) + 0.5 / ctx.fps;
  return end > start ? { start, end } : null;
}

function fontFamilyOf(el: VargElementJson, where: string): string {
  const family = el.props.fontFamily;
  if (family === undefined || family === null) return "";
  if (typeof family !== "string" || !/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/.test(family)) {
    throw new ComposeError(`${tagOf(el)} fontFamily in ${where} must be a font name (letters, digits, spaces, - and _), got ${JSON.stringify(family)}`);
  }
  return ` font-family: "${family}", ${TEXT_FONT};`;
}

/** drawtext's auto size: the cap, shrunk so that 0.55·size per character fits 90% of the width. */
export function fittedFontSize(text: string, width: number, height: number, capRatio: number): number {
  const cap = Math.round(Math.min(width, height) * capRatio);
  const fitted = Math.floor((width * 0.9) / (text.length * 0.55));
  return Math.max(16, Math.min(cap, fitted));
}

export const title: ComponentRenderer = (el, ctx, at) => {
  const where = at.where ?? "the scene";
  const text = textOf(el);
  const window = textWindow(el, ctx, at, true);
  if (!window || !text) return "";
  const position = el.props.position;
  let ax = "center";
  let ay = "center";
  if (typeof position === "string") {
    if (!POSITIONS.includes(position)) throw new ComposeError(`${tagOf(el)} position in ${where} must be one of ${POSITIONS.join(", ")}, got ${JSON.stringify(position)}`);
    if (position.includes("left")) ax = "left";
    if (position.includes("right")) ax = "right";
    if (position.includes("top")) ay = "top";
    if (position.includes("bottom")) ay = "bottom";
  } else if (position !== undefined && position !== null && (typeof position !== "object" || Array.isArray(position))) {
    throw new ComposeError(`${tagOf(el)} position in ${where} must be a position name, got ${JSON.stringify(position)}`);
  }
  const color = el.props.color == null ? "white" : parseColor(el.props.color, `${tagOf(el)} color in ${where}`);
  const outline = numberProp(el, "outline", where, { min: 0, max: 200 });
  const outlineColor = el.props.outlineColor == null ? "black" : parseColor(el.props.outlineColor, `${tagOf(el)} outlineColor in ${where}`);
  if (el.props.fontPath != null) ctx.warn(`${tagOf(el)} fontPath in ${where} is a local file of the SDK's machine; the default font is used`);
  ctx.addCss(TEXT_CSS);
  const size = fittedFontSize(text, ctx.width, ctx.height, 0.08);
  // drawtext's border is outside the glyphs: a stroke twice as wide, painted under the fill.
  const stroke = outline ? ` -webkit-text-stroke: ${px(outline * 2)} ${outlineColor}; paint-order: stroke fill;` : "";
  const style = `font-size: ${size}px; color: ${color};${stroke}${fontFamilyOf(el, where)}`;
  return (
    `<div class="vg-title" data-start="${sec(window.start)}" data-duration="${sec(window.end - window.start)}" style="position: absolute; inset: 0;">` +
    `<div class="vg-text" data-ax="${ax}" data-ay="${ay}" style="${style}">${escapeHtml(text)}</div></div>`
  );
};

export const subtitle: ComponentRenderer = (el, ctx, at) => {
  const where = at.where ?? "the scene";
  const text = textOf(el);
  const window = textWindow(el, ctx, at, false);
  if (!window || !text) return "";
  for (const key of ["position", "color", "start", "end"]) {
    if (el.props[key] != null) ctx.warn(`${tagOf(el)} ${key} in ${where} is ignored (the SDK's Subtitle takes only its text and backgroundColor)`);
  }
  const background = el.props.backgroundColor == null ? "rgba(0, 0, 0, 0.7)" : parseColor(el.props.backgroundColor, `${tagOf(el)} backgroundColor in ${where}`);
  ctx.addCss(TEXT_CSS);
  const size = fittedFontSize(text, ctx.width, ctx.height, 0.05);
  const pad = Math.round(size * 0.4);
  return (
    `<div class="vg-subtitle" data-start="${sec(window.start)}" data-duration="${sec(window.end - window.start)}" style="position: absolute; inset: 0;">` +
    `<div class="vg-textbox" style="background: ${background};"></div>` +
    `<div class="vg-text" data-ax="center" data-ay="subtitle" data-pad="${decimal(pad, 0)}" style="font-size: ${size}px; color: white;">${escapeHtml(text)}</div></div>`
  );
};
