// End to end on the real local stack: public API → queue → browser → encoder → R2 → signed
// download, checked the way a user would check the file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { zipSync, strToU8 } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { expectColour, framePsnr, pixelAt, pixelOfFrame, probeVideo, psnrStats } from "../support/media.ts";
import { referenceRender } from "../support/reference.ts";

// 320×240, 2 s: a GSAP-style timeline paints the page red before t=1 and blue after; a CSS
// animation turns the bottom bar yellow → green at t=1. Both must be seeked, not played.
const COLOURS = `<!doctype html><html><head><style>
  html, body { margin: 0; }
  #root { position: relative; width: 320px; height: 240px; background: red; }
  #bar { position: absolute; left: 0; bottom: 0; width: 320px; height: 60px; animation: bar 2s linear both; }
  @keyframes bar { 0%, 49.9% { background: yellow; } 50%, 100% { background: rgb(0, 160, 0); } }
</style></head><body>
  <div id="root" data-composition-id="colours" data-width="320" data-height="240" data-start="0" data-duration="2">
    <div id="bar"></div>
  </div>
  <script>
    const root = document.getElementById("root");
    window.__timelines = window.__timelines || {};
    window.__timelines.colours = {
      duration: () => 2,
      pause() {},
      seek(t) { root.style.background = t < 1 ? "red" : "blue"; },
    };
  </script>
</body></html>`;

// No background anywhere: only the red square is painted.
const TRANSPARENT = `<!doctype html><html><head><style>html, body { margin: 0; background: transparent; }</style></head><body>
  <div data-composition-id="alpha" data-width="320" data-height="240" data-duration="0.5" data-no-timeline
       style="position: relative; width: 320px; height: 240px">
    <div style="position: absolute; left: 110px; top: 70px; width: 100px; height: 100px; background: rgb(255, 0, 0)"></div>
  </div>
</body></html>`;

// Variables reach the page five ways: a CSS custom property (--bg), getVariables() read by
// a page script at load (accent), the declared default when not overridden (edge), an
// image's source (data-var-src: logo) and an element's text (data-var-text: label, a box
// whose width grows with its text).
const VARIABLES = `<!doctype html><html><head><style>
  html, body { margin: 0; }
  #root { position: relative; width: 320px; height: 240px; background: var(--bg); }
  #bar, #edge { position: absolute; left: 0; width: 320px; height: 60px; }
  #bar { bottom: 0; } #edge { top: 0; }
  #logo { position: absolute; left: 0; top: 70px; width: 100px; height: 40px; }
  #label { position: absolute; left: 0; top: 120px; font: 40px monospace; background: rgb(255, 255, 255); }
</style></head><body>
  <div id="root" data-composition-id="vars" data-width="320" data-height="240" data-duration="0.5" data-no-timeline
    data-composition-variables='[{"id":"bg","type":"color","default":"red"},{"id":"accent","type":"color","default":"red"},{"id":"edge","type":"color","default":"rgb(0,160,0)"},{"id":"logo","type":"image","default":"red.png"},{"id":"label","type":"string","default":"x"}]'>
    <div id="bar"></div><div id="edge"></div>
    <img id="logo" data-var-src="logo" src="red.png"><span id="label" data-var-text="label">x</span>
  </div>
  <script>
    const v = window.__hyperframes.getVariables();
    document.getElementById("bar").style.background = v.accent;
    document.getElementById("edge").style.background = v.edge;
  </script>
</body></html>`;

// Loads its own stylesheet (allowed) and tries the internet, this machine and another
// render's capability path (all refused, none fatal).
const SANDBOXED = `<!doctype html><html><head><link rel="stylesheet" href="own.css">
  <script src="http://127.0.0.1:9/evil.js"></script></head><body>
  <div id="root" data-composition-id="sandbox" data-width="320" data-height="240" data-duration="0.5" data-no-timeline>
    <img src="https://example.com/tracker.png" width="1" height="1">
  </div>
  <script>fetch(location.origin + "/v1/capture/asset_x.hfr_y.9999999999.sig/index.html").catch(() => {});</script>
</body></html>`;

// Clip windows: "a" is absolute (0–0.5 s); "b" starts 0.2 s after "a" ends (0.7–1.0 s);
// "c" starts when "b" ends (1.0–1.2 s). Between clips the green stage shows.
const CLIPS = `<!doctype html><html><head><style>
  html, body { margin: 0; }
  #root { position: relative; width: 320px; height: 240px; background: rgb(0, 160, 0); }
  .clip { position: absolute; inset: 0; }
</style></head><body>
  <div id="root" data-composition-id="clips" data-width="320" data-height="240" data-duration="1.5" data-no-timeline>
    <div id="a" class="clip" data-start="0" data-duration="0.5" style="background: rgb(255, 0, 0)"></div>
    <div id="b" class="clip" data-start="a + 0.2" data-duration="0.3" style="background: rgb(0, 0, 255)"></div>
    <div id="c" class="clip" data-start="b" data-duration="0.2" style="background: rgb(255, 255, 0)"></div>
  </div>
</body></html>`;

// Every clock and animation system follows the frame's time, 320×240, 2 s:
// a real GSAP tween moves #g right 100 px/s; a Web Animation fades #w from red to blue;
// a requestAnimationFrame loop paints #r by its timestamp and #d by Date.now(), yellow → green
// at 1 s; #img is a large image that must be decoded before the very first frame, and #font a
// box sized by a web font of the project (monospace "iiii": 96 px wide; in the fallback ~45 px).
const CLOCKS = `<!doctype html><html><head><style>
  html, body { margin: 0; }
  #root { position: relative; width: 320px; height: 240px; background: rgb(0, 0, 0); }
  #root > div, #img { position: absolute; height: 40px; }
  #g { left: 0; top: 0; width: 40px; background: rgb(255, 255, 255); }
  #w { left: 0; top: 50px; width: 320px; }
  #r { left: 0; top: 100px; width: 320px; }
  #d { left: 0; top: 150px; width: 320px; }
  #img { left: 0; top: 200px; width: 100px; }
  @font-face { font-family: Probe; src: url(probe.ttf); }
  #font { left: 110px; top: 200px; font: 40px Probe; color: rgb(255, 0, 0); background: rgb(255, 0, 0); }
</style><script src="gsap.min.js"></script></head><body>
  <div id="root" data-composition-id="clocks" data-width="320" data-height="240">
    <div id="g"></div><div id="w"></div><div id="r"></div><div id="d"></div><img id="img" src="big.png"><div id="font">iiii</div>
  </div>
  <script>
    const tl = gsap.timeline({ paused: true });
    tl.to("#g", { x: 200, duration: 2, ease: "none" });
    window.__timelines = { clocks: tl };
    document.getElementById("w").animate(
      [{ background: "rgb(255, 0, 0)" }, { background: "rgb(0, 0, 255)" }],
      { duration: 2000, fill: "both" },
    );
    const r = document.getElementById("r"), d = document.getElementById("d"), born = Date.now();
    requestAnimationFrame(function paint(ts) {
      r.style.background = ts < 1000 ? "rgb(255, 255, 0)" : "rgb(0, 160, 0)";
      d.style.background = Date.now() - born < 1000 ? "rgb(255, 255, 0)" : "rgb(0, 160, 0)";
      requestAnimationFrame(paint);
    });
  </script>
</body></html>`;

async function clocksProject(): Promise<Record<string, Uint8Array>> {
  const big = path.join(tmp, "big.png");
  await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=0xff00ff:s=3000x3000,format=rgb24", "-frames:v", "1", "-y", big]);
  return {
    "index.html": strToU8(CLOCKS),
    "gsap.min.js": new Uint8Array(await fs.readFile(path.resolve("node_modules/gsap/dist/gsap.min.js"))),
    "big.png": new Uint8Array(await fs.readFile(big)),
    // DejaVu Sans Mono comes with Chromium's fontconfig on Debian.
    "probe.ttf": new Uint8Array(await fs.readFile("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")),
  };
}

const THROWS = `<!doctype html><html><body>
  <div data-composition-id="x" data-width="320" data-height="240" data-duration="1"></div>
  <script>throw new Error("kaboom from the composition");</script>
</body></html>`;

const NO_DURATION = `<!doctype html><html><body>
  <div data-composition-id="x" data-width="320" data-height="240"></div>
</body></html>`;

const zip = (html: string) => zipSync({ "index.html": strToU8(html) });

// The authored colours, as the compositions write them.
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const YELLOW = [255, 255, 0];
const GREEN = [0, 160, 0];
const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const MAGENTA = [255, 0, 255];

const run = promisify(execFile);

let stack: E2EStack;
let tmp: string;

/** Downloads a completed render's video into the test's temp folder. */
async function download(render: { video_url: string | null }, name: string): Promise<string> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
  return file;
}

beforeAll(async () => {
  stack = await bootStack();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-out-"));
});

afterAll(async () => {
  await stack?.dispose();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe("a render through the local stack", () => {
  it("produces an mp4 with the right codec, size, frame count, duration and colours", async () => {
    const { client } = stack;
    const statuses: string[] = [];
    const render = await client.renderZip(zip(COLOURS), { fps: 15 }, (r) => {
      if (statuses.at(-1) !== r.status) statuses.push(r.status);
    });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    expect(render.status).toBe("completed");
    // Polled every 0.5 s, the status only moves forward: (queued →) rendering → completed.
    expect(statuses.filter((s) => s !== "queued")).toEqual(["rendering", "completed"]);
    expect(render).toMatchObject({ frame_count: 30, width: 320, height: 240, duration: 2, fps: 15 });

    // The signed URL downloads without a key, and supports Range.
    const res = await fetch(render.video_url!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    const file = path.join(tmp, "colours.mp4");
    await fs.writeFile(file, new Uint8Array(await res.arrayBuffer()));
    const ranged = await fetch(render.video_url!, { headers: { range: "bytes=0-7" } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(8);

    const info = await probeVideo(file);
    expect(info.codec).toBe("h264");
    expect(info.pixFmt).toBe("yuvj420p"); // the captured JPEGs' own full-range BT.601 samples (docs/colour.md)
    expect([info.colorSpace, info.colorRange]).toEqual(["smpte170m", "pc"]);
    expect([info.width, info.height]).toEqual([320, 240]);
    expect(info.frameCount).toBe(30); // duration × fps
    expect(info.duration).toBeCloseTo(2, 1);

    // The thumbnail is the frame at 1 s, served under its own signed URL.
    expect(render.thumbnail_url).toContain("/thumbnail.jpg");
    const thumb = await fetch(String(render.thumbnail_url));
    expect(thumb.headers.get("content-type")).toBe("image/jpeg");
    const thumbFile = path.join(tmp, "thumb.jpg");
    await fs.writeFile(thumbFile, new Uint8Array(await thumb.arrayBuffer()));
    expectColour(await pixelAt(thumbFile, 0, 160, 60), BLUE, "thumbnail");

    // 0.5 s and 1.5 s: frame centres (15 fps), well inside each half.
    expectColour(await pixelAt(file, 0.5, 160, 60), RED, "timeline before 1 s");
    expectColour(await pixelAt(file, 1.5, 160, 60), BLUE, "timeline after 1 s");
    expectColour(await pixelAt(file, 0.5, 160, 220), YELLOW, "CSS animation's bar before 1 s");
    expectColour(await pixelAt(file, 1.5, 160, 220), GREEN, "CSS animation's bar after 1 s");
  });

  it("renders 4k as the same layout at device scale factor 2", async () => {
    const render = await stack.client.renderZip(zip(COLOURS), { fps: 5, resolution: "4k", quality: "draft" });
    expect(render.failure_message).toBeNull();
    expect(render).toMatchObject({ width: 640, height: 480, frame_count: 10 });
    const file = await download(render, "colours-4k.mp4");
    const info = await probeVideo(file);
    expect([info.width, info.height, info.frameCount]).toEqual([640, 480, 10]);
    // Same picture, twice the pixels: the bar's top edge (y=180 in CSS px) is at y=360.
    expectColour(await pixelAt(file, 1.5, 320, 344), BLUE, "above the bar");
    expectColour(await pixelAt(file, 1.5, 320, 376), GREEN, "the bar");
  });

  it.each([
    ["webm", "vp9"],
    ["mov", "prores"],
  ])("keeps the page background transparent in %s (%s with alpha)", async (format, codec) => {
    const { client } = stack;
    const render = await client.renderZip(zip(TRANSPARENT), { fps: 10, format, quality: "draft" });
    expect(render.failure_message, stack.logs.slice(-20).join("\n")).toBeNull();
    const file = await download(render, `alpha.${format}`);
    const info = await probeVideo(file);
    expect(info.codec).toBe(codec);
    expect(info.frameCount).toBe(5);
    const outside = await pixelAt(file, 0.25, 10, 10);
    expect(outside[3]).toBeLessThanOrEqual(2); // nothing painted there: transparent
    const inside = await pixelAt(file, 0.25, 160, 120);
    expect(inside[3]).toBeGreaterThanOrEqual(253); // opaque
    expectColour(inside, RED, "the square");
  });

  it("injects variables before page scripts: CSS var(), getVariables(), defaults, data-var-src, data-var-text", async () => {
    const { client } = stack;
    const png = async (colour: string) => {
      const file = path.join(tmp, `${colour}.png`);
      // format=rgb24: the colour drawn in RGB, exactly (lavfi's default YUV would round it).
      await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", `color=c=${colour}:s=100x40,format=rgb24`, "-frames:v", "1", "-y", file]);
      return new Uint8Array(await fs.readFile(file));
    };
    const project = zipSync({ "index.html": strToU8(VARIABLES), "red.png": await png("red"), "green.png": await png("0x00a000") });
    const render = await client.renderZip(project, {
      fps: 10,
      variables: { bg: "rgb(0, 0, 255)", accent: "rgb(255, 255, 0)", logo: { url: "green.png" }, label: "xxxxxx" },
    });
    expect(render.failure_message).toBeNull();
    const file = await download(render, "vars.mp4");
    expectColour(await pixelAt(file, 0.25, 160, 100), BLUE, "--bg overridden");
    expectColour(await pixelAt(file, 0.25, 160, 210), YELLOW, "accent overridden, read by script");
    expectColour(await pixelAt(file, 0.25, 160, 30), GREEN, "edge: the declared default");
    expectColour(await pixelAt(file, 0.25, 50, 90), GREEN, "logo: the overriding image");
    // label: six characters wide, not one (a white box from x 0 to 144, y 120 on; the glyphs
    // sit lower, so its top rows are plain white)
    expectColour(await pixelAt(file, 0.25, 120, 124), WHITE, "label's box");
  });

  it("lets the page load only its own files, refusing and reporting everything else", async () => {
    const { client } = stack;
    const project = zipSync({
      "index.html": strToU8(SANDBOXED),
      "own.css": strToU8("html, body { margin: 0; } #root { width: 320px; height: 240px; background: rgb(0, 0, 255); }"),
    });
    const render = await client.renderZip(project, { fps: 10 });
    expect(render.failure_message).toBeNull();
    const file = await download(render, "sandbox.mp4");
    expectColour(await pixelAt(file, 0.25, 160, 120), BLUE, "its own stylesheet loaded");
    const warnings = render.warnings as string[];
    for (const url of ["http://127.0.0.1:9/evil.js", "https://example.com/tracker.png", "/v1/capture/asset_x.hfr_y.9999999999.sig/index.html"]) {
      expect(warnings.some((w) => w.includes(url)), `${url} in ${JSON.stringify(warnings)}`).toBe(true);
    }
    expect(warnings.some((w) => w.includes("own.css"))).toBe(false);
  });

  it("shows clips in their windows, relative starts included", async () => {
    const render = await stack.client.renderZip(zip(CLIPS), { fps: 20 });
    expect(render.failure_message).toBeNull();
    const file = await download(render, "clips.mp4");
    const at = (t: number) => pixelAt(file, t, 160, 120);
    // Frame centres (20 fps) inside each window.
    expectColour(await at(0.225), RED, "a");
    expectColour(await at(0.575), GREEN, "gap between a and b");
    expectColour(await at(0.825), BLUE, "b = a's end + 0.2");
    expectColour(await at(1.075), YELLOW, "c = b's end");
    expectColour(await at(1.325), GREEN, "after c");
  });

  it("drives GSAP, Web Animations, requestAnimationFrame and Date by the frame's time; images and fonts are ready at frame 0", async () => {
    const render = await stack.client.renderZip(zipSync(await clocksProject()), { fps: 10 });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    expect(render).toMatchObject({ duration: 2, frame_count: 20 }); // the GSAP timeline's length
    const file = await download(render, "clocks.mp4");
    expectColour(await pixelOfFrame(file, 0, 50, 220), MAGENTA, "the image, already at frame 0");
    expectColour(await pixelOfFrame(file, 0, 195, 220), RED, "the web font's box, already at frame 0");
    expectColour(await pixelOfFrame(file, 0, 215, 220), BLACK, "right of the web font's box");
    // Frames 5, 10 and 15 (10 fps): #g spans [100t, 100t + 40).
    for (const [k, inside, outside] of [[5, 70, 120], [10, 120, 60], [15, 170, 120]] as const) {
      expectColour(await pixelOfFrame(file, k, inside, 20), WHITE, `#g at frame ${k}`);
      expectColour(await pixelOfFrame(file, k, outside, 20), BLACK, `beside #g at frame ${k}`);
    }
    // The Web Animation (linear, 2 s) red → blue, channel by channel in sRGB: at frame k,
    // progress k / 20.
    for (const k of [5, 15]) {
      const p = k / 20;
      expectColour(await pixelOfFrame(file, k, 160, 70), RED.map((v, i) => v + (BLUE[i]! - v) * p), `#w at frame ${k}`);
    }
    for (const y of [120, 170]) {
      expectColour(await pixelOfFrame(file, 5, 160, y), YELLOW, `rAF box at ${y} before 1 s`);
      expectColour(await pixelOfFrame(file, 15, 160, y), GREEN, `rAF box at ${y} after 1 s`);
    }
  });

  it("renders clip windows and every clock as the HyperFrames reference renderer does", async () => {
    const projects = { clips: { "index.html": strToU8(CLIPS) }, clocks: await clocksProject() };
    for (const [name, files] of Object.entries(projects)) {
      const reference = await referenceRender(tmp, name, files, 20);
      const render = await stack.client.renderZip(zipSync(files), { fps: 20, quality: "high" });
      expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
      const psnr = await framePsnr(await download(render, `parity-${name}.mp4`), reference);
      expect(psnr.length).toBe((await probeVideo(reference)).frameCount);
      // Two captures and encodes of the same pictures: 35 dB or more on every frame (issue 12);
      // a clip a frame early or late, or the GSAP box 10 px off, is below 25.
      const { min, mean } = psnrStats(psnr);
      console.log(`[parity] ${name}: PSNR vs reference min ${min.toFixed(2)} dB, mean ${mean.toFixed(2)} dB`);
      for (const [i, value] of psnr.entries()) expect(value, `${name} frame ${i}`).toBeGreaterThanOrEqual(35);
    }
  });

  it("fails quickly, saying why, when the composition throws", async () => {
    const { client } = stack;
    const started = Date.now();
    const render = await client.renderZip(zip(THROWS));
    expect(render.status).toBe("failed");
    expect(render.failure_message).toMatch(/threw an error.*kaboom from the composition/);
    expect(render.video_url).toBeNull();
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("fails quickly, saying why, when the composition never declares a duration", async () => {
    const { client } = stack;
    const started = Date.now();
    const render = await client.renderZip(zip(NO_DURATION));
    expect(render.status).toBe("failed");
    expect(render.failure_message).toMatch(/never declares a duration/);
    expect(Date.now() - started).toBeLessThan(30_000);
    // The service keeps serving after failures.
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
  });
});
