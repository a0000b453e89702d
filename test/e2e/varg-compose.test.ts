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
import { decodeAudio, decodeFrames, levelDb, pixelAt, probeVideo } from "../support/media.ts";
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
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
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

const { red: RED, blue: BLUE, lime: LIME, yellow: YELLOW } = COLOURS;
const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const mix = (a: number[], b: number[], wa: number) => a.map((v, i) => v * wa + b[i]! * (1 - wa));

function expectColour(actual: number[], expected: number[], tolerance: number, what = "") {
  const off = Math.max(...expected.map((v, i) => Math.abs(actual[i]! - v)));
  expect(off, `${what} ${actual.slice(0, 3)} vs ${expected.map(Math.round)}`).toBeLessThanOrEqual(tolerance);
}

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

    // Clip colours come back within 4 levels of what was authored: the engine's JPEG frames,
    // yuv420p and x264 shift them that much for any composition (blue 200 → 196 here).
    const red = await pixelAt(file, 0.5, 160, 90);
    const blue = await pixelAt(file, 2.5, 160, 90);
    const lime = await pixelAt(file, 5.5, 160, 90);
    expectColour(red, RED, 4, "clip 1");
    expectColour(blue, BLUE, 4, "clip 2");
    expectColour(lime, LIME, 4, "last clip");
    // Mixes are checked against the colours measured in the same file, tightly.
    // fade at its midpoint (1.5 s): xfade's a·P + b·(1 − P) with P = ½; and at 20%.
    expectColour(await pixelAt(file, 1.5, 160, 90), mix(red, blue, 0.5), 3, "fade midpoint");
    expectColour(await pixelAt(file, 1.2, 160, 90), mix(red, blue, 0.8), 3, "fade at 20%");
    // wipeleft at its midpoint (3.5 s): the incoming clip beyond x = W·P, the outgoing before it.
    expectColour(await pixelAt(file, 3.5, 60, 90), blue, 3, "wipeleft left half");
    expectColour(await pixelAt(file, 3.5, 260, 90), red, 3, "wipeleft right half");
    // slideup at its midpoint (4.75 s): the outgoing clip half gone up, the next half in from below.
    expectColour(await pixelAt(file, 4.75, 160, 40), red, 3, "slideup top");
    expectColour(await pixelAt(file, 4.75, 160, 140), lime, 3, "slideup bottom");
  });
});
