// The varg compiler end to end: element trees (as the sandbox produces them) compiled into
// HyperFrames projects and rendered through the existing HyperFrames API of a local stack;
// the videos are checked the way a user would see them: clip colours, transitions at their
// midpoints, Ken Burns, resize modes, titles where the SDK draws them, video trims, audio.
// Expected values come from the varg SDK's renderer (FFmpeg xfade / zoompan / drawtext);
// `VARG_SDK_DIR` adds a side-by-side comparison with the SDK itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { zipSync, strToU8 } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { decodeAudio, decodeFrames, expectColour, frameAtTime, levelDb, pixelAt, pixelOfFrame, probeVideo } from "../support/media.ts";
import { treeToTsx } from "../../scripts/varg-reference/tree-to-tsx.ts";
import { compileScene } from "../../src/dialects/varg/compose/compile.ts";
import type { CompiledScene } from "../../src/dialects/varg/compose/types.ts";
import type { VargElementJson } from "../../src/dialects/varg/tree.ts";
import { COLOURS, counterFrame, el, makeVargMedia, type VargMedia } from "../fixtures/varg-media.ts";

const run = promisify(execFile);

let stack: E2EStack;
let tmp: string;
let vm: VargMedia;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "varg-compose-"));
  vm = await makeVargMedia(tmp);
  stack = await bootStack();
});

afterAll(async () => {
  await stack?.dispose();
  // VARG_COMPOSE_KEEP=1 keeps the renders (and the SDK's) for a look side by side.
  if (process.env.VARG_COMPOSE_KEEP) console.log(`renders kept in ${tmp}`);
  else if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** Compiles `tree`, renders it through the HyperFrames API, downloads the mp4. */
async function render(name: string, tree: VargElementJson): Promise<{ file: string; compiled: CompiledScene }> {
  const compiled = compileScene(tree, vm.media, new Map());
  const files: Record<string, Uint8Array> = { ...vm.files };
  for (const [p, content] of Object.entries(compiled.files)) files[p] = typeof content === "string" ? strToU8(content) : content;
  // "high": JPEG 100 frames, so colours survive to within a few levels (yuv420p and x264 remain).
  const result = await stack.client.renderZip(zipSync(files), { fps: compiled.fps, quality: "high" });
  expect(result.failure_message, stack.logs.slice(-20).join("\n")).toBeNull();
  expect(result.status).toBe("completed");
  const file = path.join(tmp, `${name}.mp4`);
  await fs.writeFile(file, new Uint8Array(await (await fetch(result.video_url!)).arrayBuffer()));
  return { file, compiled };
}

const image = (name: string, props: VargElementJson["props"] = {}) => el("image", { src: vm.url(`${name}.png`), ...props });
const clip = (props: VargElementJson["props"], children: VargElementJson[]) => el("clip", props, children);
const scene = (children: VargElementJson[], props: VargElementJson["props"] = {}) =>
  el("render", { width: 320, height: 180, fps: 10, ...props }, children);

const { red: RED, blue: BLUE, lime: LIME, yellow: YELLOW, light: LIGHT, dark: DARK } = COLOURS;
const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const mix = (a: number[], b: number[], wa: number) => a.slice(0, 3).map((v, i) => v * wa + b[i]! * (1 - wa));
const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

// Colour probes assert the authored colours (COLOURS: the fixture PNGs, drawn exactly in RGB)
// within 2 levels (expectColour); blends are computed from the authored colours and the
// transition's exact progress at the frame read.

/** The frame (10 fps) at `t` seconds. */
const frameOf = (t: number) => Math.round(t * 10);

describe("varg compiler: timeline and transitions", () => {
  it("lays clips out as the SDK does: each transition overlaps the clips it joins", async () => {
    // red 2 s →fade 1 s→ blue 3 s →wipeleft 1 s→ red 2 s →slideup (no duration: 0.5 s)→ lime 1.5 s
    const tree = scene([
      clip({ duration: 2, transition: { name: "fade", duration: 1 } }, [image("red", { zoom: null })]),
      clip({ duration: 3, transition: { name: "wipeleft", duration: 1 } }, [image("blue", { zoom: null })]),
      clip({ duration: 2, transition: { name: "slideup" } }, [image("red", { zoom: null })]),
      // The last clip's transition joins nothing: no effect on the timing.
      clip({ duration: 1.5, transition: { name: "fade", duration: 1 } }, [image("lime", { zoom: null })]),
    ]);
    const { file, compiled } = await render("timeline", tree);
    // Σ durations − Σ transitions between clips = 8.5 − 2.5.
    expect(compiled.duration).toBe(6);
    expect(compiled.clips).toEqual([
      { index: 0, start: 0, end: 2 },
      { index: 1, start: 1, end: 4 },
      { index: 2, start: 3, end: 5 },
      { index: 3, start: 4.5, end: 6 },
    ]);
    const info = await probeVideo(file);
    expect(info).toMatchObject({ width: 320, height: 180, frameCount: 60, fps: 10 });
    expect(info.duration).toBeCloseTo(6, 1);

    const at = (t: number, x = 160, y = 90) => pixelOfFrame(file, frameOf(t), x, y);
    expectColour(await at(0.5), RED, "clip 1");
    expectColour(await at(2.5), BLUE, "clip 2");
    expectColour(await at(5.5), LIME, "last clip");
    // fade at its midpoint (frame 15, 1.5 s): xfade's a·P + b·(1 − P) with P = ½; and at 20%.
    expectColour(await at(1.5), mix(RED, BLUE, 0.5), "fade midpoint");
    expectColour(await at(1.2), mix(RED, BLUE, 0.8), "fade at 20%");
    // wipeleft at its midpoint (3.5 s): the incoming clip beyond x = W·P, the outgoing before it.
    expectColour(await at(3.5, 60), BLUE, "wipeleft left half");
    expectColour(await at(3.5, 260), RED, "wipeleft right half");
    // slideup 40% in (frame 47, 4.7 s; its midpoint, 4.75 s, is no frame): the outgoing clip
    // moved up by 72 px, the next one in from below (y ≥ 108).
    expectColour(await at(4.7, 160, 40), RED, "slideup top");
    expectColour(await at(4.7, 160, 150), LIME, "slideup bottom");
  });

  it("draws xfade's looks: fadeblack, fadewhite, circleopen/close, dissolve, zoomin, wiperight, slideleft", async () => {
    // Nine 2.5 s clips joined by 1 s transitions: clip k starts at 1.5k, transition k runs
    // [1.5k + 1.5, 1.5k + 2.5), its midpoint at 1.5k + 2.
    const looks = ["fadeblack", "fadewhite", "circleopen", "circleclose", "dissolve", "zoomin", "wiperight", "slideleft"];
    const images = ["red", "blue", "lime", "red", "light", "target", "blue", "yellow", "red"];
    const tree = scene(
      images.map((name, k) =>
        clip({ duration: 2.5, ...(looks[k] ? { transition: { name: looks[k], duration: 1 } } : {}) }, [image(name, { zoom: null })]),
      ),
    );
    const { file, compiled } = await render("looks", tree);
    expect(compiled.duration).toBe(14.5);
    expect((await probeVideo(file)).frameCount).toBe(145);
    const mid = (k: number, p = 0.5) => 1.5 * k + 1.5 + p;
    const at = (t: number, x = 160, y = 90) => pixelOfFrame(file, frameOf(t), x, y);
    // Each clip's own colour while it shows alone.
    const solo = (k: number, x = 160, y = 90) => at(1.5 * k + 1.2, x, y);
    for (const [k, colour] of [RED, BLUE, LIME, RED, LIGHT, undefined, BLUE, YELLOW].entries()) {
      if (colour) expectColour(await solo(k), colour, `clip ${k} alone`);
    }
    expectColour(await at(14), RED, "last clip");

    // fadeblack: mix(mix(a, black, s1), mix(black, b, s2), P), s1 = smoothstep(0.8, 1, P),
    // s2 = smoothstep(0.2, 1, P), P = 1 − elapsed fraction.
    const throughColour = (a: number[], b: number[], via: number[], P: number) =>
      mix(mix(a, via, smoothstep(0.8, 1, P)), mix(via, b, smoothstep(0.2, 1, P)), P);
    expectColour(await at(mid(0)), throughColour(RED, BLUE, BLACK, 0.5), "fadeblack midpoint");
    expectColour(await at(mid(0, 0.1)), throughColour(RED, BLUE, BLACK, 0.9), "fadeblack at 10%");
    // fadewhite: the same through white.
    expectColour(await at(mid(1)), throughColour(BLUE, LIME, WHITE, 0.5), "fadewhite midpoint");
    // circleopen at P = ½: b in the centre, a in the corners, and between them xfade's soft
    // edge: smoothstep(0, 1, d/z + (P − ½)·3), z = hypot(160, 90), d from the frame's centre to
    // the pixel's centre (≈ ½ at x 252).
    const z = Math.hypot(160, 90);
    const soft = (x: number, y: number, P: number) => smoothstep(0, 1, Math.hypot(x + 0.5 - 160, y + 0.5 - 90) / z + (P - 0.5) * 3);
    expectColour(await at(mid(2)), RED, "circleopen centre");
    expectColour(await at(mid(2), 2, 2), LIME, "circleopen corner");
    expectColour(await at(mid(2), 252, 90), mix(LIME, RED, soft(252, 90, 0.5)), "circleopen half radius");
    // circleclose: the reverse: a stays in the centre.
    expectColour(await at(mid(3)), RED, "circleclose centre");
    expectColour(await at(mid(3), 2, 2), LIGHT, "circleclose corner");
    // dissolve: a pixel shows b once its noise value is below the elapsed fraction, so the share
    // of `b` pixels is that fraction (light → the dark target: the frame's mean falls with it).
    // The share steps through 24 levels. The page is exact (screenshots: 24%, 49%, 74% dark at
    // ¼, ½, ¾); x264 moves the mean of a pixel-noise frame by up to 8 levels, hence 10.
    const frames = await decodeFrames(file);
    const meanAt = (t: number) => frames[Math.round(t * 10)]!.mean[0];
    const lightMean = meanAt(1.5 * 4 + 1.2);
    const targetMean = meanAt(1.5 * 5 + 1.2);
    const shares = [0.2, 0.5, 0.8];
    const means = shares.map((p) => meanAt(mid(4, p)));
    shares.forEach((p, i) => {
      const share = Math.round(p * 24) / 24;
      expect(Math.abs(means[i]! - ((1 - share) * lightMean + share * targetMean))).toBeLessThanOrEqual(10);
    });
    expect(means[0]! - means[1]!).toBeGreaterThan(30);
    expect(means[1]! - means[2]!).toBeGreaterThan(30);
    // …as a pattern of pixels, not a cross-fade: along a row some pixels stay light, some dark.
    // (A classification of pixels, light or dark, whichever is nearer: not a colour assertion.)
    const row = await Promise.all(Array.from({ length: 16 }, (_, i) => at(mid(4), 4 + i * 19, 30)));
    const nearer = (px: number[]) => (Math.abs(px[0]! - LIGHT[0]!) < Math.abs(px[0]! - DARK[0]!) ? "light" : "dark");
    expect(row.filter((px) => nearer(px) === "light").length).toBeGreaterThanOrEqual(3);
    expect(row.filter((px) => nearer(px) === "dark").length).toBeGreaterThanOrEqual(3);
    // zoomin: a is magnified about its centre by 1/smoothstep(0.5, 1, P): 1.543× at P = 0.8 (the
    // 64 px box now 99 px wide: x 111–209), its centre pixel everywhere by P = ½, then mixed
    // into b by smoothstep(0, 0.5, P) (0.352 at P = 0.2).
    expectColour(await solo(5, 20, 20), DARK, "target");
    expectColour(await at(mid(5, 0), 115, 90), DARK, "zoomin start: outside the box");
    expectColour(await at(mid(5, 0.2), 115, 90), LIGHT, "zoomin at 20%: inside the grown box");
    expectColour(await at(mid(5, 0.2), 105, 90), DARK, "zoomin at 20%: outside the grown box");
    expectColour(await at(mid(5), 20, 20), LIGHT, "zoomin midpoint: the centre colour");
    expectColour(await at(mid(5, 0.8), 20, 20), mix(LIGHT, BLUE, smoothstep(0, 0.5, 0.2)), "zoomin at 80%");
    // wiperight at P = ½: b left of x = W·(1 − P).
    expectColour(await at(mid(6), 60, 90), YELLOW, "wiperight left");
    expectColour(await at(mid(6), 260, 90), BLUE, "wiperight right");
    // slideleft at 20%: a moved 64 px left, b entering from the right edge (x ≥ 256).
    expectColour(await at(mid(7, 0.2), 240, 90), YELLOW, "slideleft a");
    expectColour(await at(mid(7, 0.2), 272, 90), RED, "slideleft b");
  });
});

/** One decoded frame (the stream's own colour matrix and range, as pixelAt decodes). */
const frameAt = frameAtTime;

/** The bounding box of the pixels `pick` selects in a frame (x0, y0, x1, y1), or null. */
function bbox(frame: { at(x: number, y: number): number[] }, pick: (rgb: number[]) => boolean, w = 320, h = 180) {
  let box: number[] | null = null;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!pick(frame.at(x, y))) continue;
      box = box ? [Math.min(box[0]!, x), Math.min(box[1]!, y), Math.max(box[2]!, x), Math.max(box[3]!, y)] : [x, y, x, y];
    }
  }
  return box;
}

describe("varg compiler: images and text", () => {
  it("fits images as the SDK's resize modes do, zooms them, places boxes, overlays, titles and subtitles", async () => {
    const bands = (resize: string) => image("bands", { resize, zoom: null });
    const tree = scene([
      clip({ duration: 1 }, [bands("contain")]), // 0–1
      clip({ duration: 1 }, [bands("cover"), el("title", { position: "top" }, ["HELLO"])]), // 1–2
      clip({ duration: 1 }, [bands("stretch")]), // 2–3
      clip({ duration: 1 }, [bands("contain-blur")]), // 3–4
      clip({ duration: 2 }, [image("target")]), // 4–6: no zoom prop: the SDK's default Ken Burns "in"
      clip({ duration: 1 }, [
        // 6–7
        image("red"),
        image("blue", { left: 10, top: 20, width: 100, height: 50 }),
        el("overlay", { left: "60%", top: "50%", width: "30%", height: "40%", start: 0.5 }, [image("lime")]),
        el("subtitle", {}, ["sub"]),
      ]),
    ]);
    const { file, compiled } = await render("images", tree);
    expect(compiled.duration).toBe(7);
    const { magenta: MAGENTA, cyan: CYAN } = COLOURS;

    // contain: the 90×180 image scaled to 90×180 in the middle, black bars beside it.
    // Times at frame centres (10 fps), each inside its clip.
    expectColour(await pixelAt(file, 0.55, 20, 90), BLACK, "contain bar");
    expectColour(await pixelAt(file, 0.55, 160, 30), MAGENTA, "contain top band");
    expectColour(await pixelAt(file, 0.55, 160, 90), CYAN, "contain middle band");
    expectColour(await pixelAt(file, 0.55, 160, 150), YELLOW, "contain bottom band");
    // cover: scaled to 320×640 and cropped to the middle: only the middle band shows.
    expectColour(await pixelAt(file, 1.55, 20, 40), CYAN, "cover");
    expectColour(await pixelAt(file, 1.55, 300, 150), CYAN, "cover");
    // stretch: all three bands, full width.
    expectColour(await pixelAt(file, 2.55, 20, 30), MAGENTA, "stretch top");
    expectColour(await pixelAt(file, 2.55, 300, 90), CYAN, "stretch middle");
    expectColour(await pixelAt(file, 2.55, 20, 150), YELLOW, "stretch bottom");
    // contain-blur: a blurred copy where contain has black bars (its cover crop is all cyan:
    // nearer cyan than black, a classification — the blur's edge darkens it), the image sharp
    // in the middle.
    const blurBar = await pixelAt(file, 3.55, 20, 90);
    const nearerCyan = (px: number[]) => Math.hypot(...CYAN.map((v, i) => px[i]! - v)) < Math.hypot(...px.slice(0, 3));
    expect(nearerCyan(blurBar), `blurred bar ${blurBar}: nearer cyan than black`).toBe(true);
    expectColour(await pixelAt(file, 3.55, 160, 90), CYAN, "contain-blur middle");

    // Ken Burns "in" (zoompan 1 → 1.1 over the clip's ⌈2·30⌉ frames, centred): the 64 px box's
    // left edge moves from x = 128 to 160 − 32·1.095 = 125 by the last frame.
    const edge = async (t: number) => {
      const frame = await frameAt(file, t);
      for (let x = 100; x < 160; x++) if (frame.at(x, 90)[0]! > 128) return x;
      return -1;
    };
    expect(await edge(4)).toBe(128);
    expect(Math.abs((await edge(5)) - (160 - 32 * 1.05))).toBeLessThanOrEqual(1);
    expect(Math.abs((await edge(5.9)) - (160 - 32 * 1.095))).toBeLessThanOrEqual(1);

    // A positioned Image is a box: x 10–110, y 20–70 here.
    expectColour(await pixelAt(file, 6.25, 200, 40), RED, "base");
    expectColour(await pixelAt(file, 6.25, 60, 45), BLUE, "image box");
    expectColour(await pixelAt(file, 6.25, 2, 45), RED, "left of the box");
    expectColour(await pixelAt(file, 6.25, 60, 78), RED, "below the box");
    // The Overlay (60%, 50%, 30% × 40% = x 192–288, y 90–162) shows from 0.5 s into its clip.
    expectColour(await pixelAt(file, 6.25, 240, 110), RED, "before the overlay's start");
    expectColour(await pixelAt(file, 6.75, 240, 120), LIME, "overlay");
    expectColour(await pixelAt(file, 6.75, 304, 110), RED, "beside the overlay");

    // Title "top": drawtext's y = 0.1·H is the top of the glyphs; centred (x = (W − text_w)/2).
    // Which pixels are the white text: a classification (all three channels nearer white than
    // the dark backgrounds' 0–50…), not a colour assertion.
    const white = (rgb: number[]) => rgb[0]! > 160 && rgb[1]! > 160 && rgb[2]! > 160;
    const title = bbox(await frameAt(file, 1.5), white);
    expect(title, "title drawn").not.toBeNull();
    expect(Math.abs(title![1]! - 18)).toBeLessThanOrEqual(1);
    expect(Math.abs((title![0]! + title![2]!) / 2 - 160)).toBeLessThanOrEqual(2);
    // A title's window includes its end frame (enable='between(t, start, end)'): clip 3's first frame has it.
    expect(bbox(await frameAt(file, 2), white)).toEqual(title);
    expect(bbox(await frameAt(file, 2.1), white)).toBeNull();
    // Subtitle: white text centred at 0.85·H on a black@0.7 box padded by 0.4·font size.
    const sub = bbox(await frameAt(file, 6.2), white);
    expect(sub).not.toBeNull();
    expect(Math.abs((sub![1]! + sub![3]!) / 2 - 153)).toBeLessThanOrEqual(1.5);
    // The box is 22 px tall around 8 px of text: its only pixels clear of the chroma of the
    // text and the box's edges (4:2:0) are the padding rows just below the text.
    expectColour(await pixelAt(file, 6.25, 160, sub![3]! + 2), mix(RED, BLACK, 0.3), "subtitle box: black at 0.7 over red");
  });
});

/** Every frame decoded to RGB with the stream's own colour matrix (untagged: BT.601). */
async function rgbFrames(file: string): Promise<Buffer[]> {
  const { stdout: tags } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=color_space,color_range,width,height", "-of", "json", file]);
  const s = JSON.parse(tags).streams[0];
  const matrix = s.color_space === "bt709" ? "bt709" : "bt601";
  const { stdout } = await run("ffmpeg", ["-v", "error", "-i", file, "-vf", `scale=in_color_matrix=${matrix}:in_range=${s.color_range === "pc" ? "pc" : "tv"},format=rgb24`, "-f", "rawvideo", "pipe:1"], {
    encoding: "buffer",
    maxBuffer: 512 * 1024 * 1024,
  });
  const all = stdout as unknown as Buffer;
  const size = Number(s.width) * Number(s.height) * 3;
  return Array.from({ length: Math.floor(all.length / size) }, (_, i) => all.subarray(i * size, (i + 1) * size));
}

function rgbPsnr(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

// Side by side with the varg SDK itself (scripts/varg-reference/render.sh), when a checkout of
// it is at VARG_SDK_DIR (CI has no GitHub access: skipped there).
describe.skipIf(!process.env.VARG_SDK_DIR)("varg compiler: parity with the varg SDK", () => {
  it("renders the same frames as the SDK for clips, transitions, zoom and titles", async () => {
    const tree = el("render", { width: 320, height: 180, fps: 30 }, [
      clip({ duration: 1.5, transition: { name: "fade", duration: 0.5 } }, [image("red")]),
      clip({ duration: 1.5, transition: { name: "wipeleft", duration: 0.5 } }, [image("blue"), el("title", {}, ["Centre gj"])]),
      clip({ duration: 1.5, transition: { name: "circleopen", duration: 0.5 } }, [image("target")]),
      clip({ duration: 1.5, transition: { name: "slideup", duration: 0.5 } }, [image("lime", { zoom: "left", resize: "cover" })]),
      clip({ duration: 1.5, transition: { name: "fadeblack", duration: 0.5 } }, [image("yellow"), el("subtitle", {}, ["a subtitle"])]),
      clip({ duration: 1.5 }, [image("bands", { resize: "contain", zoom: null }), el("title", { position: "bottom-left", color: "yellow" }, ["Parity"])]),
    ]);
    const ours = (await render("parity-ours", tree)).file;
    const scenePath = path.join(tmp, "parity.tsx");
    await fs.writeFile(scenePath, treeToTsx(tree, (url) => path.join(vm.dir, path.basename(url))));
    const theirs = path.join(tmp, "parity-sdk.mp4");
    await run("bash", [path.resolve("scripts/varg-reference/render.sh"), scenePath, theirs], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });

    const [a, b] = await Promise.all([probeVideo(ours), probeVideo(theirs)]);
    expect(a.frameCount).toBe(b.frameCount);
    // Compared in RGB: ours is tagged BT.709, the SDK's untagged (BT.601), so their YUV differ.
    const [fa, fb] = await Promise.all([rgbFrames(ours), rgbFrames(theirs)]);
    const psnr = fa.map((frame, i) => rgbPsnr(frame, fb[i]!));
    const worst = psnr.map((db, i) => ({ db, t: i / 30 })).sort((x, y) => x.db - y.db).slice(0, 5);
    console.log("parity PSNR (dB): worst frames", worst.map((w) => `${w.t.toFixed(2)} s ${w.db.toFixed(1)}`).join(", "));
    // Identical pictures measure 40–50 dB; text anti-aliasing and 1 px offsets of drawtext vs
    // the browser bring frames with titles to ~29 dB (measured against vargai@0.4.0-alpha113).
    expect(Math.min(...psnr), JSON.stringify(worst)).toBeGreaterThan(27);
  }, 600_000);
});

describe("varg compiler: video and audio", () => {
  it("trims videos, sizes clips from them, mixes kept video sound and Render-level music", async () => {
    const counter = (props: VargElementJson["props"]) => el("video", { src: vm.url("counter.mp4"), ...props });
    const tree = scene([
      // No duration: the clip lasts its video's trim, 1.5 s (0–1.5). Its sound is muted.
      clip({}, [counter({ cutFrom: 1, cutTo: 2.5 })]),
      // cutFrom + duration; keepAudio (1.5–2.5).
      clip({ duration: "auto" }, [counter({ cutFrom: 0.5, duration: 1, keepAudio: true })]),
      // The Clip's cutFrom reaches its Video (2.5–3.5).
      clip({ duration: 1, cutFrom: 3 }, [counter({})]),
      // 2 s asked, 1 s of video left: the SDK cuts the clip to the video (3.5–4.5).
      clip({ duration: 2 }, [counter({ cutFrom: 3 })]),
      el("music", { src: vm.url("tone.wav"), start: 0.5, volume: 0.5 }),
    ]);
    const { file, compiled } = await render("video", tree);
    expect(compiled.clips.map((c) => [c.start, c.end])).toEqual([
      [0, 1.5],
      [1.5, 2.5],
      [2.5, 3.5],
      [3.5, 4.5],
    ]);
    const info = await probeVideo(file);
    expect(info).toMatchObject({ frameCount: 45, hasAudio: true });

    // counter.mp4 shows frame N (10 fps) as rgb(6N, 0, 255 − 6N): the frame on screen at t is
    // (t − clip start) · 10 + cutFrom · 10.
    const frameShown = async (t: number) => counterFrame(await pixelAt(file, t, 160, 90));
    expect(await frameShown(0)).toBe(10);
    expect(await frameShown(1.0)).toBe(20);
    expect(await frameShown(1.4)).toBe(24);
    expect(await frameShown(1.5)).toBe(5);
    expect(await frameShown(2.0)).toBe(10);
    expect(await frameShown(3.0)).toBe(35);
    expect(await frameShown(4.4)).toBe(39);

    // Sound: the music (440 Hz at ½ × ½ amplitude: −15 dB) from 0.5 s; the kept video's 880 Hz
    // (½ amplitude: −9 dB) only in its clip; the other videos' sound never.
    const audio = await decodeAudio(file);
    expect(audio.duration).toBeCloseTo(4.5, 1);
    expect(levelDb(audio, 0.05, 0.45)).toBeLessThan(-60);
    expect(levelDb(audio, 0.6, 1.4)).toBeCloseTo(-15.05, 0);
    expect(levelDb(audio, 1.6, 2.4)).toBeCloseTo(10 * Math.log10(0.25 ** 2 / 2 + 0.5 ** 2 / 2), 0);
    expect(levelDb(audio, 2.6, 4.4)).toBeCloseTo(-15.05, 0);
  });
});
