// varg captions, layouts, slideshows and the packshot, end to end: element trees written by hand
// (the JSON the sandbox produces) are compiled, zipped with their media and rendered through the
// HyperFrames API of a local stack; frames are then checked the way a viewer would see them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { strToU8, zipSync } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { expectColour, frameAtTime, pixelAt, pixelOfFrame, type RgbaFrame } from "../support/media.ts";
import { solidImage } from "../support/media-server.ts";
import { compileScene } from "../../src/dialects/varg/compose/compile.ts";
import { ComposeError, type MediaInfo } from "../../src/dialects/varg/compose/types.ts";
import type { VargElementJson } from "../../src/dialects/varg/tree.ts";
import { el } from "../fixtures/varg-tree.ts";

const run = promisify(execFile);

const BASE = "https://media.test/";
const image = (name: string, props: VargElementJson["props"] = {}) => el("image", { src: `${BASE}${name}.png`, ...props });
// U+2588 FULL BLOCK: solid glyphs whose colour is easy to read in any font.
const B = "\u2588";

// ---- Frames -------------------------------------------------------------------------------------

type Frame = RgbaFrame;

/** The frame at `t`, which must be `width`×`height`. */
async function frameAt(file: string, t: number, width: number, height: number): Promise<Frame> {
  const frame = await frameAtTime(file, t);
  if (frame.width !== width || frame.height !== height) throw new Error(`no ${width}x${height} frame at ${t}s in ${file}`);
  return frame;
}

const PALETTE: Record<string, number[]> = {
  navy: [0, 0, 128],
  black: [0, 0, 0],
  white: [255, 255, 255],
  red: [255, 0, 0],
  yellow: [255, 255, 0],
  green: [0, 255, 0],
  cyan: [0, 255, 255],
};
const BLUE = [0, 0, 255];
const MAGENTA = [255, 0, 255];
/** The packshot's background, as authored. */
const BACKGROUND = [0x1a, 0x1a, 0x2e];

/** The largest channel difference between two colours. */
const distance = (a: number[], b: number[]) => Math.max(...[0, 1, 2].map((k) => Math.abs(a[k]! - b[k]!)));

/**
 * Which palette colour a pixel is: a classifier, not a colour assertion. The nearest palette
 * colour (they are at least 128 levels apart in some channel), or "other" for a pixel nearer
 * the midpoint between two of them than either (an antialiased or blended edge).
 */
function nearest(px: number[], palette: Record<string, number[]>): string {
  const ranked = Object.entries(palette)
    .map(([name, c]) => ({ name, d: distance(px, c) }))
    .sort((a, b) => a.d - b.d);
  return ranked[0]!.d * 3 < ranked[1]!.d ? ranked[0]!.name : "other";
}

function classify(frame: Frame, x: number, y: number): string {
  return nearest(frame.at(x, y).slice(0, 3), PALETTE);
}

/** Colours of the text in a horizontal band, left to right: the runs (≥ 3 px) of the row with
 *  the most text colour, without the background, the black outlines and blended edges. */
function textRuns(frame: Frame, y0: number, y1: number): string[] {
  let best = { y: y0, count: -1 };
  for (let y = y0; y < y1; y++) {
    let count = 0;
    for (let x = 0; x < frame.width; x++) if (!["navy", "black", "other"].includes(classify(frame, x, y))) count++;
    if (count > best.count) best = { y, count };
  }
  const runs: string[] = [];
  let current = "";
  let length = 0;
  const flush = () => {
    if (length >= 3 && !["navy", "black", "other"].includes(current) && runs.at(-1) !== current) runs.push(current);
  };
  for (let x = 0; x < frame.width; x++) {
    const c = classify(frame, x, best.y);
    if (c === current) length++;
    else {
      flush();
      current = c;
      length = 1;
    }
  }
  flush();
  return runs;
}

/** The words of a band as their colours, split at outline/background gaps. */
function words(frame: Frame, y0: number, y1: number): string[] {
  let best = { y: y0, count: -1 };
  for (let y = y0; y < y1; y++) {
    let count = 0;
    for (let x = 0; x < frame.width; x++) if (!["navy", "black", "other"].includes(classify(frame, x, y))) count++;
    if (count > best.count) best = { y, count };
  }
  const out: string[] = [];
  let inWord = false;
  for (let x = 0; x < frame.width; x++) {
    const c = classify(frame, x, best.y);
    const ink = !["navy", "black", "other"].includes(c);
    if (ink && !inWord) out.push(c);
    inWord = ink || (inWord && c === "other");
  }
  return out;
}

/** Width of everything that is not background in a band (the text's extent), 0 when empty. */
function inkWidth(frame: Frame, y0: number, y1: number): number {
  let min = Infinity;
  let max = -Infinity;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < frame.width; x++) {
      if (classify(frame, x, y) !== "navy") {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
    }
  }
  return max >= min ? max - min + 1 : 0;
}

/** Horizontal extent of the pixels matching `pick` in a band. */
function extent(frame: Frame, y0: number, y1: number, pick: (rgb: number[]) => boolean): number {
  let min = Infinity;
  let max = -Infinity;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < frame.width; x++) {
      if (pick(frame.at(x, y).slice(0, 3))) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
    }
  }
  return max >= min ? max - min + 1 : 0;
}

// ---- Rendering a tree ----------------------------------------------------------------------------

let stack: E2EStack;
let tmp: string;
const media = new Map<string, MediaInfo>();
const mediaFiles: Record<string, Uint8Array> = {};

async function addImage(name: string, colour: string, width: number, height: number) {
  const file = path.join(tmp, `${name}.png`);
  await solidImage(file, colour, width, height);
  const projectPath = `media/${name}.png`;
  mediaFiles[projectPath] = new Uint8Array(await fs.readFile(file));
  media.set(`${BASE}${name}.png`, { path: projectPath, kind: "image", mediaType: "image/png", width, height });
}

async function render(name: string, tree: VargElementJson, subtitles: Record<string, string> = {}): Promise<string> {
  const compiled = compileScene(tree, media, new Map(Object.entries(subtitles)));
  const files: Record<string, Uint8Array> = { ...mediaFiles };
  for (const [p, content] of Object.entries(compiled.files)) files[p] = typeof content === "string" ? strToU8(content) : content;
  const result = await stack.client.renderZip(zipSync(files), { fps: compiled.fps });
  expect(result.status, result.failure_message ?? "").toBe("completed");
  const file = path.join(tmp, `${name}.mp4`);
  await fs.writeFile(file, new Uint8Array(await (await fetch(result.video_url!)).arrayBuffer()));
  return file;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-varg-cl-"));
  [stack] = await Promise.all([
    bootStack(),
    (async () => {
      await addImage("navy", "0x000080", 64, 64);
      for (const c of ["red", "blue", "yellow", "cyan", "magenta"]) await addImage(c, c, 64, 36);
      await addImage("lime", "0x00ff00", 64, 36);
      await addImage("wide", "white", 200, 20);
      await addImage("logo", "0x00ff00", 64, 32);
    })(),
  ]);
});

afterAll(async () => {
  await stack?.dispose();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

// ---- Captions --------------------------------------------------------------------------------------

describe("varg captions", () => {
  // 180×320 (portrait), 3 s at 10 fps: clip A (0–2 s) with a karaoke line at the top and tiktok
  // cues in the centre; clip B (2–3 s) with bouncing Speech words at the bottom and typewriter
  // text in the centre; a Render-level cue at 2.5–3 s at the top.
  const KARAOKE = `1\n00:00:00,500 --> 00:00:01,000\n${B}${B}\n\n2\n00:00:01,000 --> 00:00:01,500\n${B}${B}\n\n3\n00:00:01,500 --> 00:00:02,000\n${B}${B}\n`;
  // CRLF and a BOM, as editors write them; a gap between the cues.
  const GAP = `\uFEFF1\r\n00:00:00,200 --> 00:00:00,800\r\n${B.repeat(3)}\r\n\r\n2\r\n00:00:01,200 --> 00:00:01,800\r\n${B.repeat(3)}\r\n`;
  const TYPED = `1\n00:00:00,100 --> 00:00:01,000\n${B.repeat(8)}\n`;
  const LATE = `1\n00:00:02,500 --> 00:00:03,000\n${B}${B}\n`;
  const speech = {
    ...el("speech", { voice: "adam" }, [B.repeat(4)]),
    resolved: { duration: 1, url: `${BASE}speech.wav`, mediaType: "audio/wav", words: [{ word: B.repeat(4), start: 0.15, end: 0.9 }] },
  };
  const tree = el("render", { width: 180, height: 320, fps: 10 }, [
    el("clip", { duration: 2 }, [
      image("navy"),
      el("captions", { src: `${BASE}karaoke.srt`, style: "karaoke", position: "top", wordsPerLine: 3, color: "#ffffff", activeColor: "#ff0000" }),
      el("captions", { src: `${BASE}gap.srt`, style: "tiktok", position: "center", fontSize: 30, color: "yellow" }),
    ]),
    el("clip", { duration: 1 }, [
      image("navy"),
      el("captions", { src: speech, style: "bounce" }),
      el("captions", { src: `${BASE}typed.srt`, style: "typewriter", position: "center" }),
    ]),
    el("captions", { src: `${BASE}late.srt`, style: "karaoke", position: "top", color: "cyan" }),
  ]);
  const TOP: [number, number] = [34, 74];
  const CENTER: [number, number] = [136, 184];
  const BOTTOM: [number, number] = [212, 268];
  let file: string;
  const frame = (t: number) => frameAt(file, t, 180, 320);

  beforeAll(async () => {
    file = await render("captions", tree, { [`${BASE}karaoke.srt`]: KARAOKE, [`${BASE}gap.srt`]: GAP, [`${BASE}typed.srt`]: TYPED, [`${BASE}late.srt`]: LATE });
  });

  it("karaoke: the spoken word is in activeColor, the others in color, and the line waits for its first word", async () => {
    expect(words(await frame(0.2), ...TOP)).toEqual([]);
    expect(words(await frame(0.7), ...TOP)).toEqual(["red", "white", "white"]);
    expect(words(await frame(1.1), ...TOP)).toEqual(["white", "red", "white"]);
    expect(words(await frame(1.7), ...TOP)).toEqual(["white", "white", "red"]);
    // The last word stays active until the line ends (the SDK's grouped timing).
    expect(words(await frame(1.9), ...TOP)).toEqual(["white", "white", "red"]);
  });

  it("tiktok cues show in their windows only: nothing before, between or after them", async () => {
    expect(textRuns(await frame(0.1), ...CENTER)).toEqual([]);
    expect(textRuns(await frame(0.5), ...CENTER)).toEqual(["yellow"]);
    expect(textRuns(await frame(1.0), ...CENTER)).toEqual([]);
    expect(textRuns(await frame(1.5), ...CENTER)).toEqual(["yellow"]);
    expect(textRuns(await frame(1.9), ...CENTER)).toEqual([]);
    // The karaoke line ends with its last word (2 s); the top band is empty until the Render-level cue.
    expect(textRuns(await frame(2.2), ...TOP)).toEqual([]);
  });

  it("captions inside a clip count from the clip; Render-level captions from the video's start", async () => {
    // Clip B starts at 2 s: its typewriter cue (0.1 s) starts at 2.1 s.
    expect(inkWidth(await frame(2.0), ...CENTER)).toBe(0);
    expect(textRuns(await frame(2.6), ...CENTER)).toEqual(["green"]); // the typewriter preset's colour
    expect(textRuns(await frame(2.4), ...TOP)).toEqual([]);
    expect(textRuns(await frame(2.7), ...TOP)).toEqual(["cyan"]);
  });

  it("typewriter: the text types out over time", async () => {
    const widths = [];
    for (const t of [2.1, 2.2, 2.3, 2.6]) widths.push(inkWidth(await frame(t), ...CENTER));
    expect(widths[0]).toBeGreaterThan(0);
    for (let i = 1; i < widths.length; i++) expect(widths[i], `${widths}`).toBeGreaterThan(widths[i - 1]!);
  });

  it("bounce: a Speech word pops in when spoken (grows, overshoots, settles)", async () => {
    const [before, growing, overshoot, settled] = await Promise.all([2.1, 2.2, 2.3, 2.6].map(async (t) => inkWidth(await frame(t), ...BOTTOM)));
    expect(before).toBe(0);
    expect(growing).toBeGreaterThan(0);
    expect(growing, `${[before, growing, overshoot, settled]}`).toBeLessThan(settled!);
    expect(overshoot, `${[before, growing, overshoot, settled]}`).toBeGreaterThan(settled!);
  });
});

// ---- Layouts and the packshot -----------------------------------------------------------------------

describe("varg layouts and packshot", () => {
  // 320×180, 3 s at 10 fps: a Split (0–1 s), a 2×2 Grid with a contained Slot (1–2 s), a packshot (2–3 s).
  const tree = el("render", { width: 320, height: 180, fps: 10 }, [
    el("clip", { duration: 1 }, [el("split", {}, [image("red"), image("blue")])]),
    el("clip", { duration: 1 }, [
      el("grid", { columns: 2 }, [image("red"), image("lime"), image("blue"), el("slot", { fit: "contain" }, [image("wide")])]),
    ]),
    el("clip", { duration: 1 }, [
      el("packshot", { background: "#1a1a2e", logo: `${BASE}logo.png`, logoSize: "20%", logoPosition: "top", cta: "Go", blinkCta: true, ctaColor: "#ff3300" }),
    ]),
  ]);
  let file: string;
  beforeAll(async () => {
    file = await render("layouts", tree);
  });

  it("split: each half shows its child", async () => {
    expectColour(await pixelAt(file, 0.55, 80, 90), PALETTE.red!, "left half");
    expectColour(await pixelAt(file, 0.55, 240, 90), BLUE, "right half");
  });

  it("grid: cells in reading order, a Slot fits its child inside its cell", async () => {
    expectColour(await pixelAt(file, 1.55, 80, 45), PALETTE.red!, "cell 1");
    expectColour(await pixelAt(file, 1.55, 240, 45), PALETTE.green!, "cell 2");
    expectColour(await pixelAt(file, 1.55, 80, 135), BLUE, "cell 3");
    // Contained: the wide image (200×20 → 160×16, y 127–142) is letterboxed in black bars.
    expectColour(await pixelAt(file, 1.55, 240, 135), PALETTE.white!, "cell 4: the contained image");
    expectColour(await pixelAt(file, 1.55, 240, 104), PALETTE.black!, "cell 4: the bar above it");
  });

  it("packshot: background, logo and a pulsing CTA button", async () => {
    expectColour(await pixelAt(file, 2.55, 4, 4), BACKGROUND, "background");
    expectColour(await pixelAt(file, 2.55, 160, 24), PALETTE.green!, "logo");
    // The button (70% of the width) is centred at 78% of the height and pulses from its start.
    // A gradient of ctaColor under a pulsing brightness filter and a glow: which pixels are the
    // button is a classification (nearest of the card's colours), not a colour assertion.
    const card = { background: BACKGROUND, button: [0xff, 0x33, 0x00], logo: PALETTE.green!, text: PALETTE.white! };
    const isButton = (px: number[]) => nearest(px, card) === "button";
    const rest = extent(await frameAt(file, 2.0, 320, 180), 133, 147, isButton);
    const peak = extent(await frameAt(file, 2.2, 320, 180), 133, 147, isButton);
    expect(isButton(await pixelAt(file, 2.0, 70, 140)), "the button at rest").toBe(true);
    expect(peak, `${rest} → ${peak}`).toBeGreaterThan(rest * 1.08);
  });
});

describe("varg slideshows", () => {
  // 320×180, one 3 s clip split in two: a Slider (left) and a Swipe up every 1.5 s (right).
  const tree = el("render", { width: 320, height: 180, fps: 10 }, [
    el("clip", { duration: 3 }, [
      el("split", {}, [
        el("slider", {}, [image("red"), image("lime"), image("blue")]),
        el("swipe", { direction: "up", interval: 1.5 }, [image("yellow"), image("cyan"), image("magenta")]),
      ]),
    ]),
  ]);
  let file: string;
  beforeAll(async () => {
    file = await render("slideshows", tree);
  });

  it("slider: 3 s a slide, the next pushing in from the right over 0.5 s", async () => {
    expectColour(await pixelAt(file, 1.05, 80, 90), PALETTE.red!, "first slide");
    // Frame 28 (2.8 s): the push (linear, from 2.5 s) is 60% done: the first slide keeps the
    // left 40% of the cell (x < 64), the next fills the rest.
    expectColour(await pixelOfFrame(file, 28, 30, 90), PALETTE.red!, "outgoing slide");
    expectColour(await pixelOfFrame(file, 28, 130, 90), PALETTE.green!, "incoming slide");
  });

  it("swipe: slide N at its time, pushed up by the next", async () => {
    expectColour(await pixelAt(file, 0.55, 240, 90), PALETTE.yellow!, "slide 1");
    expectColour(await pixelAt(file, 1.75, 240, 90), PALETTE.cyan!, "slide 2");
    expectColour(await pixelAt(file, 2.75, 240, 90), MAGENTA, "slide 3");
    // Frame 12 (1.2 s): 40% into the first push, the yellow slide has moved up by 40% of the
    // height (72 px: it ends at y 108, where the cyan one begins).
    expectColour(await pixelOfFrame(file, 12, 240, 50), PALETTE.yellow!, "outgoing slide");
    expectColour(await pixelOfFrame(file, 12, 240, 160), PALETTE.cyan!, "incoming slide");
  });
});

// ---- What never reaches the page ------------------------------------------------------------------------

describe("varg prop checks", () => {
  const compile = (child: VargElementJson, subtitles: Record<string, string> = {}) =>
    compileScene(el("render", { width: 320, height: 180 }, [el("clip", { duration: 1 }, [image("navy"), child])]), media, new Map(Object.entries(subtitles)));
  const SRT = `1\n00:00:00,000 --> 00:00:01,000\n<script>alert(1)</script> & "q"\n`;

  it("refuses colours that are not colours (no CSS injection)", () => {
    for (const child of [
      el("captions", { src: `${BASE}s.srt`, color: "red;background:url(x)" }),
      el("captions", { src: `${BASE}s.srt`, activeColor: "red}body{display:none" }),
      el("packshot", { background: "url(https://evil.test/x.png)" }),
      el("packshot", { cta: "Go", blinkCta: true, ctaColor: "#ff0000;x:y" }),
    ]) {
      expect(() => compile(child, { [`${BASE}s.srt`]: SRT })).toThrow(ComposeError);
    }
  });

  it("escapes caption and packshot text", () => {
    const html = String(compile(el("captions", { src: `${BASE}s.srt` }), { [`${BASE}s.srt`]: SRT }).files["index.html"]);
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;");
    const card = String(compile(el("packshot", { title: "</div><img src=x onerror=alert(1)>", cta: "a<b" })).files["index.html"]);
    expect(card).not.toContain("<img src=x");
    expect(card).toContain("a&lt;b");
  });

  it("names the SRT line that does not parse", () => {
    expect(() => compile(el("captions", { src: `${BASE}bad.srt` }), { [`${BASE}bad.srt`]: "1\n00:00:01 --> 00:00:02\nx\n" })).toThrow(
      `subtitles ${BASE}bad.srt line 2: expected a time range "00:00:01,000 --> 00:00:02,000", got "00:00:01 --> 00:00:02"`,
    );
  });

  it("refuses unknown styles, positions and layout sizes", () => {
    expect(() => compile(el("captions", { src: `${BASE}s.srt`, style: "wobble" }), { [`${BASE}s.srt`]: SRT })).toThrow(/<Captions> style in clip 1 must be one of tiktok, karaoke, bounce, typewriter, got "wobble"/);
    expect(() => compile(el("captions", { src: `${BASE}s.srt`, position: "left" }), { [`${BASE}s.srt`]: SRT })).toThrow(ComposeError);
    expect(() => compile(el("grid", { columns: 0 }, [image("red")]))).toThrow(ComposeError);
    expect(() => compile(el("slot", { fit: "zoom" }, [image("red")]))).toThrow(ComposeError);
  });
});
