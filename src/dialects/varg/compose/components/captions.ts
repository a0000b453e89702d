// <Captions>: subtitles from an SRT file or a Speech's word timings, as the varg SDK burns them
// with libass (src/react/renderers/captions.ts): the same style presets (font, size, colours,
// outline, shadow, margins), the same cue windows and word grouping, and the active word
// coloured while it is spoken. Each caption line is a clip with its own window; per-word timing
// is CSS animations with absolute delays, which the page driver seeks to the frame's time.
import { isElement, type VargElementJson } from "../../tree.ts";
import { parseColor } from "../color.ts";
import { cssSeconds, decimal, escapeHtml, px, sec } from "../escape.ts";
import { enumProp, numberProp, tagOf } from "../props.ts";
import { parseSrt } from "../srt.ts";
import { ComposeError, type ComponentRenderer, type ComposeContext, type Placement } from "../types.ts";
import { DEJAVU_FACES, TEXT_FONT } from "./text.ts";

// ---- Style presets: STYLE_PRESETS, STYLE_FONT_DEFAULTS and PRIMARY_FONTS in the SDK ----------

/** libass sizes a font so that winAscent + winDescent equals the ASS Fontsize (FreeType
 *  REAL_DIM); CSS sizes the em. Ratios (win height / em) measured from @fontsource 5.3.0. */
export const CAPTION_FONTS: Record<string, { family: string; weight: number; assPerEm: number }> = {
  montserrat: { family: "Montserrat", weight: 700, assPerEm: 1.562 },
  roboto: { family: "Roboto", weight: 700, assPerEm: 1.2002 },
  poppins: { family: "Poppins", weight: 700, assPerEm: 1.762 },
  inter: { family: "Inter", weight: 700, assPerEm: 1.4302 },
  "bebas-neue": { family: "Bebas Neue", weight: 400, assPerEm: 1.3 },
  "rock-salt": { family: "Rock Salt", weight: 400, assPerEm: 2.3545 },
  oswald: { family: "Oswald", weight: 700, assPerEm: 1.702 },
  "space-grotesk": { family: "Space Grotesk", weight: 700, assPerEm: 1.442 },
  "dm-sans": { family: "DM Sans", weight: 700, assPerEm: 1.322 },
};

interface Preset {
  font: string;
  /** ASS units = video pixels (the SDK sets PlayResX/Y to the video size). */
  fontSize: number;
  color: string;
  outline: number;
  shadow: number;
  shadowColor: string;
  marginV: number;
}

// The SDK's ASS colours are &HBBGGRR: karaoke's &H00FFFF is yellow, typewriter's &H00FF00 green;
// typewriter's BackColour &H80000000 is black at half alpha. Its Fontname is replaced by the
// style's default font (fonts.ts), so the preset's Arial/Impact/Courier never show.
const PRESETS: Record<CaptionStyle, Preset> = {
  tiktok: { font: "montserrat", fontSize: 72, color: "#ffffff", outline: 4, shadow: 0, shadowColor: "#000000", marginV: 480 },
  karaoke: { font: "roboto", fontSize: 28, color: "#ffff00", outline: 2, shadow: 1, shadowColor: "#000000", marginV: 40 },
  bounce: { font: "oswald", fontSize: 36, color: "#ffffff", outline: 4, shadow: 2, shadowColor: "#000000", marginV: 60 },
  typewriter: { font: "dm-sans", fontSize: 24, color: "#00ff00", outline: 1, shadow: 0, shadowColor: "rgba(0, 0, 0, 0.5)", marginV: 30 },
};
const STYLES = ["tiktok", "karaoke", "bounce", "typewriter"] as const;
type CaptionStyle = (typeof STYLES)[number];
// Montserrat, Roboto, Poppins, Inter and Oswald are bundled (src/render/fonts/), Bebas Neue is
// drawn with League Gothic; the others fall back to DejaVu Sans, as the titles use (and are
// listed in the render's warnings). Sizes still follow the intended font's metrics.
const FALLBACK_FONTS = TEXT_FONT;

// ---- Cues and lines -------------------------------------------------------------------------

interface Cue {
  start: number;
  end: number;
  text: string;
}

/** One caption line on screen: its window and its words, each with the time it is spoken. */
interface Line {
  start: number;
  end: number;
  words: Array<{ text: string; start: number; end: number }>;
  /** Keep the cue's own line breaks (ungrouped cues); grouped words are joined on one line. */
  breaks: boolean;
}

function cuesOf(el: VargElementJson, ctx: ComposeContext, where: string): Cue[] {
  const { srt, src } = el.props;
  // `srt` wins over `src`, as in the SDK.
  const url = typeof srt === "string" ? srt : typeof src === "string" ? src : null;
  if (url !== null) return parseSrt(ctx.subtitles(url), url);
  if (isElement(src) && src.type === "speech") {
    const words = src.resolved?.words;
    if (!words?.length) {
      throw new ComposeError(`<Captions> in ${where} needs the word timings of its <Speech>, and this speech has none`);
    }
    return words.map((w) => ({ start: w.start, end: w.end, text: w.word.trim() }));
  }
  throw new ComposeError(`<Captions> in ${where} needs \`src\`: an SRT file URL or a <Speech> element (or \`srt\`: an SRT URL)`);
}

// Scripts written without spaces (CJK, Thai, …) join words without one: smartJoin in the SDK.
const SPACELESS = /[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff65-\uff9f]|[\ud840-\ud86e][\udc00-\udfff]/;
const needsSpace = (prev: string, next: string) => !SPACELESS.test(prev.slice(-2)) && !SPACELESS.test(next.slice(0, 2));

/** The SDK's timing: convertSrtToAss (one line per cue, ended by the next cue's start) and
 *  convertSrtToAssGrouped (wordsPerLine cues per line, shown until the next line starts; each
 *  word active from its start until the next word's). */
function linesOf(cues: Cue[], wordsPerLine: number | null): Line[] {
  const sorted = cues.map((c, i) => ({ ...c, i })).sort((a, b) => a.start - b.start || a.i - b.i);
  if (wordsPerLine === null) {
    return sorted.map((cue, i) => {
      const end = Math.min(cue.end, sorted[i + 1]?.start ?? Infinity);
      return { start: cue.start, end, words: [{ text: cue.text, start: cue.start, end }], breaks: true };
    });
  }
  const lines: Line[] = [];
  for (let g = 0; g < sorted.length; g += wordsPerLine) {
    const group = sorted.slice(g, g + wordsPerLine);
    const end = sorted[g + wordsPerLine]?.start ?? group.at(-1)!.end;
    lines.push({
      start: group[0]!.start,
      end,
      words: group.map((cue, k) => ({ text: cue.text.replace(/\s+/g, " ").trim(), start: cue.start, end: group[k + 1]?.start ?? end })),
      breaks: false,
    });
  }
  return lines;
}

// ---- Motion the SDK documents but its code does not draw -------------------------------------
// Its README promises "words bounce in" and "typing effect"; its code only switches the preset
// (font, size, colours). The line windows and highlight timing stay the SDK's; these add the
// documented motion inside them: a word pops in when it starts, or types out over its time.
const BOUNCE_S = 0.3;
const TYPE_S_PER_CHAR = 0.05;

const KEYFRAMES = `@keyframes rf-cap-active { from, to { color: var(--rf-cap-active); } }
@keyframes rf-cap-bounce { 0% { opacity: 0; transform: translateY(35%) scale(0.4); } 55% { opacity: 1; transform: translateY(-8%) scale(1.15); } 100% { opacity: 1; transform: none; } }
@keyframes rf-cap-hidden { from, to { opacity: 0; } }`;

function wordHtml(
  word: Line["words"][number],
  style: CaptionStyle,
  highlight: boolean,
  breaks: boolean,
): string {
  const animations: string[] = [];
  // Active while spoken: the window is half-open, like the driver's clips ([start, end)).
  if (highlight && word.end > word.start) animations.push(`rf-cap-active ${cssSeconds(word.end - word.start)} linear ${cssSeconds(word.start)}`);
  if (style === "bounce") {
    animations.push(`rf-cap-bounce ${cssSeconds(Math.min(BOUNCE_S, Math.max(0.05, word.end - word.start)))} ease-out ${cssSeconds(word.start)} both`);
  }
  const text = (s: string) => (breaks ? s.split("\n").map(escapeHtml).join("<br>") : escapeHtml(s));
  let inner = text(word.text);
  if (style === "typewriter") {
    // Each character stays hidden until its turn: a hiding animation lasting until then.
    const chars = Array.from(word.text);
    const step = Math.min(TYPE_S_PER_CHAR, Math.max(0, word.end - word.start) / Math.max(1, chars.length));
    inner = chars
      .map((c, k) => (c === "\n" ? "<br>" : `<span style="animation: rf-cap-hidden ${cssSeconds(word.start + k * step)} linear 0ms">${escapeHtml(c)}</span>`))
      .join("");
  }
  const style_ = animations.length ? ` style="animation: ${animations.join(", ")}"` : "";
  return `<span class="rf-cap-word"${style_}>${inner}</span>`;
}

const POSITIONS = ["top", "center", "bottom"] as const;

export const captions: ComponentRenderer = (el, ctx, at) => {
  const where = at.where ?? "the scene";
  const name = (key: string) => `${tagOf(el)} ${key} in ${where}`;
  const style = enumProp(el, "style", STYLES, where) ?? "tiktok";
  const preset = PRESETS[style];
  const position = enumProp(el, "position", POSITIONS, where) ?? "bottom";
  // The SDK's colorToAss reads only "#RRGGBB" (anything else turns white); any colour the
  // dialect accepts is honoured here.
  const color = el.props.color == null ? preset.color : parseColor(el.props.color, name("color"));
  const active = el.props.activeColor == null ? null : parseColor(el.props.activeColor, name("activeColor"));
  const assSize = numberProp(el, "fontSize", where, { positive: true, max: 2000 }) ?? preset.fontSize;
  const perLine = numberProp(el, "wordsPerLine", where, { min: 1, max: 1000 });
  // An unknown font falls back to Montserrat, as resolveFonts does.
  const font = CAPTION_FONTS[typeof el.props.font === "string" ? el.props.font : preset.font] ?? CAPTION_FONTS.montserrat!;

  const lines = linesOf(cuesOf(el, ctx, where), perLine === undefined ? null : Math.round(perLine));
  // Times count from the start of the window (the clip, the first clip of a container, or the
  // video at Render level). As the SDK shifts its ASS events, a cue may run past its clip; the
  // video's end cuts it.
  const windowEnd = ctx.duration;
  ctx.addCss(KEYFRAMES);
  const id = ctx.nextId("captions");
  // ASS layout: centred between 10 px side margins, MarginV from the bottom or top edge (none
  // for center, as the SDK sets), libass's smart wrapping ≈ balanced lines. A margin larger
  // than the frame (tiktok's 480 px on a small video) would put the SDK's line off screen;
  // here it stops at the frame's edge.
  const margin = `min(${px(preset.marginV)}, calc(100% - ${decimal(font.assPerEm, 4)}em))`;
  const edge = position === "bottom" ? `bottom: ${margin};` : position === "top" ? `top: ${margin};` : "top: 50%; transform: translateY(-50%);";
  // libass draws the outline outside the glyphs: a stroke twice as wide, painted under the fill.
  const outline = preset.outline > 0 ? ` -webkit-text-stroke: ${px(preset.outline * 2)} #000; paint-order: stroke fill;` : "";
  const shadow = preset.shadow > 0 ? ` text-shadow: ${px(preset.shadow)} ${px(preset.shadow)} 0 ${preset.shadowColor};` : "";
  ctx.addCss(DEJAVU_FACES);
  ctx.addCss(
    `#${id} .rf-cap-line { position: absolute; left: 10px; right: 10px; ${edge} margin: 0; text-align: center; text-wrap: balance; ` +
      `font-family: "${font.family}", ${FALLBACK_FONTS}; font-weight: ${font.weight}; font-size: ${px(assSize / font.assPerEm)}; ` +
      `line-height: ${decimal(font.assPerEm, 4)}; color: ${color}; --rf-cap-active: ${active ?? color};${outline}${shadow} }\n` +
      `#${id} .rf-cap-word { display: inline-block; }`,
  );
  const html: string[] = [];
  for (const line of lines) {
    const start = at.start + line.start;
    const end = Math.min(at.start + line.end, windowEnd);
    if (!(end > start)) continue;
    // The SDK highlights only grouped words, and only with an activeColor.
    const highlight = active !== null && !line.breaks;
    const words = line.words.map((w) => wordHtml({ text: w.text, start: at.start + w.start, end: Math.min(at.start + w.end, end) }, style, highlight, line.breaks));
    const joined = words.reduce((acc, w, k) => (k === 0 ? w : acc + (needsSpace(line.words[k - 1]!.text, line.words[k]!.text) ? " " : "") + w), "");
    html.push(`<p class="rf-cap-line" data-start="${sec(start)}" data-duration="${sec(end - start)}">${joined}</p>`);
  }
  return `<div id="${id}" class="rf-captions" style="position: absolute; inset: 0; pointer-events: none">${html.join("")}${audioOf(el, ctx, at)}</div>`;
};

/** `withAudio`: the Speech plays from the start of the window at full volume, as the SDK mixes it. */
function audioOf(el: VargElementJson, ctx: ComposeContext, at: Placement): string {
  const src = el.props.src;
  if (el.props.withAudio !== true || !isElement(src) || src.type !== "speech") return "";
  return ctx.render({ ...src, props: { ...src.props, volume: 1 } }, { start: at.start, duration: at.duration, ...(at.where ? { where: at.where } : {}) });
}
