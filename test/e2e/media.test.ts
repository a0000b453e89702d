// End to end: <video> clips shown frame-accurately, the audio mix, and sub-compositions, on
// the real local stack (browser, encoder, R2), checked in the output file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { zipSync, strToU8 } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { referenceRender } from "../support/reference.ts";
import { decodeAudio, expectColour, framePsnr, levelDb, pixelAt, pixelEveryFrame, probeVideo, psnrStats } from "../support/media.ts";

const run = promisify(execFile);

/** Runs FFmpeg to make a test source file; returns its bytes. */
async function ffmpegFile(name: string, args: string[]): Promise<Uint8Array> {
  const file = path.join(tmp, name);
  await run("ffmpeg", ["-v", "error", ...args, "-y", file]);
  return new Uint8Array(await fs.readFile(file));
}

// counter.mp4: 3 s at 10 fps, 160×120; frame N (up to 20) is the colour rgb(24 + 10N, 24, 231 − 10N),
// so the frame on screen can be read back from a pixel. No channel comes near 0 or 255: the
// frames' colours are checked against the source's own (below), and at the gamut edge
// Chromium's own video YUV→RGB conversion clips — measured 3 levels off on pure blue (0,1,252
// for 0,0,255); the HyperFrames reference draws videos with Chromium too, so not ours to fix.
const STEP = 10;
/** The counter frame a pixel shows, or null when it is no counter frame (green stage, say). */
const counterFrame = ([r, g, b]: number[]) => (g! > 40 ? null : Math.round((r! - b! + 207) / (2 * STEP)));
const counter = () =>
  ffmpegFile("counter.mp4", [
    "-f", "lavfi", "-i", "color=c=black:s=160x120:r=10:d=3",
    "-vf", `format=rgb24,geq=r='24+${STEP}*N':g='24':b='231-${STEP}*N'`,
    "-c:v", "libx264", "-crf", "4", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
  ]);

/** A 48 kHz sine at amplitude `amp` (RMS = amp/√2), silent before `silentUntil` seconds. */
const sine = (freq: number, amp: number, seconds: number, silentUntil = 0) =>
  `aevalsrc='if(gte(t,${silentUntil}),${amp}*sin(2*PI*${freq}*t),0)':s=48000:d=${seconds}`;

/** A video with a sound track: solid `colour` picture, sine sound. */
const talkingVideo = (name: string, colour: string, audio: string) =>
  ffmpegFile(name, [
    "-f", "lavfi", "-i", `color=c=${colour}:s=160x120:r=10:d=3`, "-f", "lavfi", "-i", audio,
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", "-shortest", "-movflags", "+faststart",
  ]);

const STAGE = `html, body { margin: 0; } #root { position: relative; width: 320px; height: 240px; background: rgb(0, 160, 0); }
  video { position: absolute; top: 0; width: 160px; height: 120px; object-fit: fill; }`;

// v1 plays 0.5–1.5 s from 0.3 s into the source; v2 follows it at double speed until the end.
const VIDEOS = `<!doctype html><html><head><style>${STAGE}</style></head><body>
  <div id="root" data-composition-id="videos" data-width="320" data-height="240" data-duration="2.5" data-no-timeline>
    <video id="v1" class="clip" src="counter.mp4" muted playsinline data-start="0.5" data-duration="1" data-media-start="0.3" style="left: 0"></video>
    <video id="v2" class="clip" src="counter.mp4" muted playsinline data-start="v1" data-playback-rate="2" style="left: 160px"></video>
  </div>
</body></html>`;

// tone.wav (1 s, 440 Hz) at half volume from 0.5 s; talk.mp4's sound (880 Hz after 0.2 s of
// silence) from 1.2 s, 0.2 s into it, running past the end; loud.mp4 is muted: never heard.
const SOUND = `<!doctype html><html><head><style>${STAGE}</style></head><body>
  <div id="root" data-composition-id="sound" data-width="320" data-height="240" data-duration="2" data-no-timeline>
    <audio id="music" src="tone.wav" data-start="0.5" data-volume="0.5"></audio>
    <video id="talk" class="clip" src="talk.mp4" data-has-audio="true" muted playsinline data-start="1.2" data-media-start="0.2" style="left: 0"></video>
    <video id="quiet" class="clip" src="loud.mp4" muted playsinline data-start="0" data-duration="2" style="left: 160px"></video>
  </div>
</body></html>`;

const soundProject = async () => ({
  "index.html": strToU8(SOUND),
  "tone.wav": await ffmpegFile("tone.wav", ["-f", "lavfi", "-i", sine(440, 0.5, 1)]),
  "talk.mp4": await talkingVideo("talk.mp4", "blue", sine(880, 0.5, 3, 0.2)),
  "loud.mp4": await talkingVideo("loud.mp4", "white", sine(1000, 0.9, 3)),
});

// A short sound in a longer composition: the track is padded with silence to the end.
const SHORT_SOUND = `<!doctype html><html><body>
  <div id="root" data-composition-id="short" data-width="320" data-height="240" data-duration="1" data-no-timeline>
    <audio src="tone.wav" data-start="0.2" data-duration="0.3"></audio>
  </div>
</body></html>`;

// The sub-composition "card" is mounted from its own file and placed at 1 s: its timeline
// paints its box red for its first 0.5 s, then blue; its own clip (yellow corner) shows
// 0.25–0.5 s into it. Before 1 s nothing of it shows: the green stage does.
const HOST = `<!doctype html><html><head><style>${STAGE}
  #card-host { position: absolute; inset: 0; }</style></head><body>
  <div id="root" data-composition-id="main" data-width="320" data-height="240" data-duration="2" data-no-timeline>
    <div id="card-host" data-composition-id="card" data-composition-src="compositions/card.html" data-start="1"></div>
  </div>
</body></html>`;
const CARD = `<template id="card-template">
  <div data-composition-id="card" data-width="320" data-height="240">
    <style>
      [data-composition-id="card"] .box { position: absolute; inset: 0; }
      [data-composition-id="card"] .corner { position: absolute; left: 0; top: 0; width: 80px; height: 60px; background: rgb(255, 255, 0); }
    </style>
    <div class="box"></div>
    <div class="corner clip" data-start="0.25" data-duration="0.25"></div>
    <script>
      (() => {
        const box = document.querySelector('[data-composition-id="card"] .box');
        window.__timelines.card = {
          duration: () => 1,
          pause() {},
          seek(t) { box.style.background = t < 0.5 ? "rgb(255, 0, 0)" : "rgb(0, 0, 255)"; },
        };
      })();
    </script>
  </div>
</template>`;

let stack: E2EStack;
let tmp: string;

// The authored colours, as the compositions write them.
const GREEN = [0, 160, 0];
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const YELLOW = [255, 255, 0];

async function download(render: { video_url: string | null }, name: string): Promise<string> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
  return file;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-media-"));
  stack = await bootStack();
});

afterAll(async () => {
  await stack?.dispose();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe("media and sub-compositions", () => {
  it("render frame for frame as the HyperFrames reference renderer does (videos, sub-compositions)", async () => {
    const projects = {
      videos: { "index.html": strToU8(VIDEOS), "counter.mp4": await counter() },
      nested: { "index.html": strToU8(HOST), "compositions/card.html": strToU8(CARD) },
    };
    for (const [name, files] of Object.entries(projects)) {
      const reference = await referenceRender(tmp, name, files, 10);
      const render = await stack.client.renderZip(zipSync(files, { level: 0 }), { fps: 10, quality: "high" });
      expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
      const ours = await download(render, `parity-${name}.mp4`);
      const psnr = await framePsnr(ours, reference);
      expect(psnr.length, name).toBe((await probeVideo(reference)).frameCount);
      // The same pictures through two captures and two encodes: 35 dB or more on every frame
      // (issue 12: parity with the reference renderer). A clip shown a frame early or late
      // falls far below.
      const { min, mean } = psnrStats(psnr);
      console.log(`[parity] ${name}: PSNR vs reference min ${min.toFixed(2)} dB, mean ${mean.toFixed(2)} dB`);
      for (const [i, value] of psnr.entries()) expect(value, `${name} frame ${i}`).toBeGreaterThanOrEqual(35);
      if (name === "videos") {
        // A video frame off by one is subtler: read the counter frame each clip shows.
        const shown = async (file: string) => {
          const [left, right] = [await pixelEveryFrame(file, 80, 60), await pixelEveryFrame(file, 240, 60)];
          return left.map((px, k) => [counterFrame(px), counterFrame(right[k]!)]);
        };
        expect(await shown(ours)).toEqual(await shown(reference));
      }
    }
  });

  it("mixes the same sound as the HyperFrames reference renderer", async () => {
    const files = await soundProject();
    const reference = await decodeAudio(await referenceRender(tmp, "sound", files, 10));
    const render = await stack.client.renderZip(zipSync(files, { level: 0 }), { fps: 10 });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    const ours = await decodeAudio(await download(render, "parity-sound.mp4"));
    expect(Math.abs(ours.duration - reference.duration)).toBeLessThan(0.03);
    // Window by window (silence, one source, both, the other): the same level within 1 dB.
    for (const [from, to] of [[0.6, 1.15], [1.22, 1.48], [1.55, 1.95]] as const) {
      const [a, b] = [levelDb(ours, from, to), levelDb(reference, from, to)];
      expect(Math.abs(a - b), `${from}–${to} s: ours ${a.toFixed(1)} dB, reference ${b.toFixed(1)} dB`).toBeLessThan(1);
    }
    expect(levelDb(reference, 0.05, 0.45)).toBeLessThan(-60);
    expect(levelDb(ours, 0.05, 0.45)).toBeLessThan(-60);
  });

  it("shows each <video> clip's exact frame at every output frame (offset, rate, window)", async () => {
    const project = zipSync({ "index.html": strToU8(VIDEOS), "counter.mp4": await counter() }, { level: 0 });
    const render = await stack.client.renderZip(project, { fps: 10, quality: "high" });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    const file = await download(render, "videos.mp4");
    expect((await probeVideo(file)).frameCount).toBe(25);

    const left = await pixelEveryFrame(file, 80, 60);
    const right = await pixelEveryFrame(file, 240, 60);
    expect(left).toHaveLength(25);
    // v1: 0.5 ≤ t < 1.5, source time (t − 0.5) + 0.3 → source frame k − 2.
    // v2: from 1.5 s at rate 2 → source frame 2(k − 15); it runs to the end.
    const expected = Array.from({ length: 25 }, (_, k) => ({
      v1: k >= 5 && k < 15 ? k - 2 : null,
      v2: k >= 15 ? 2 * (k - 15) : null,
    }));
    const seen = left.map((px, k) => ({ v1: counterFrame(px), v2: counterFrame(right[k]!) }));
    expect(seen).toEqual(expected);
    expectColour(left[2]!, GREEN, "the stage before v1");
    // Each shown frame has the source frame's own colour: counter.mp4 decoded here, with the
    // same exact conversion, is the authored value (x264 at crf 4 of a solid colour).
    const source = await pixelEveryFrame(path.join(tmp, "counter.mp4"), 80, 60);
    expected.forEach(({ v1, v2 }, k) => {
      if (v1 !== null) expectColour(left[k]!, source[v1]!, `v1 at frame ${k} (source frame ${v1})`);
      if (v2 !== null) expectColour(right[k]!, source[v2]!, `v2 at frame ${k} (source frame ${v2})`);
    });
  });

  it("mixes <audio> and <video data-has-audio> with start, offset and volume, to the video's exact length", async () => {
    const project = zipSync(await soundProject(), { level: 0 });
    const render = await stack.client.renderZip(project, { fps: 10 });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    const file = await download(render, "sound.mp4");
    const info = await probeVideo(file);
    expect(info.frameCount).toBe(20);
    const audio = await decodeAudio(file);
    expect(audio.codec).toBe("aac");
    expect(audio.channels).toBe(2);
    expect(Math.abs(audio.duration - 2)).toBeLessThan(0.03); // trimmed: talk.mp4 runs past 2 s

    const sineDb = 20 * Math.log10(0.5 / Math.SQRT2); // −9 dB: a full-volume source
    expect(levelDb(audio, 0.05, 0.45)).toBeLessThan(-60); // nothing before 0.5 s (loud.mp4 is muted)
    expect(levelDb(audio, 0.6, 1.15)).toBeCloseTo(sineDb - 6, 0); // tone.wav at volume 0.5
    // From 1.2 s both: talk.mp4 started 0.2 s in, so its sound is there at once.
    const both = 10 * Math.log10(10 ** ((sineDb - 6) / 10) + 10 ** (sineDb / 10));
    expect(Math.abs(levelDb(audio, 1.22, 1.48) - both)).toBeLessThan(1);
    expect(Math.abs(levelDb(audio, 1.55, 1.95) - sineDb)).toBeLessThan(1); // tone.wav has ended
  });

  it("pads a short sound with silence to the end of a webm (Opus)", async () => {
    const project = zipSync({
      "index.html": strToU8(SHORT_SOUND),
      "tone.wav": await ffmpegFile("tone.wav", ["-f", "lavfi", "-i", sine(440, 0.5, 1)]),
    });
    const render = await stack.client.renderZip(project, { fps: 10, format: "webm", quality: "draft" });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    const file = await download(render, "short.webm");
    expect((await probeVideo(file)).frameCount).toBe(10);
    const audio = await decodeAudio(file);
    expect(audio.codec).toBe("opus");
    expect(Math.abs(audio.duration - 1)).toBeLessThan(0.03);
    expect(Math.abs(levelDb(audio, 0.25, 0.45) - 20 * Math.log10(0.5 / Math.SQRT2))).toBeLessThan(1);
    expect(levelDb(audio, 0.6, 0.95)).toBeLessThan(-50);
  });

  it("fails at once, naming the file, when a sub-composition cannot be loaded; warns of a missing video", async () => {
    const render = await stack.client.renderZip(zipSync({ "index.html": strToU8(HOST) }), { fps: 10 });
    expect(render.status).toBe("failed");
    expect(render.failure_message).toMatch(/sub-composition compositions\/card\.html could not be loaded \(404\)/);
    // A missing video is no reason to fail, but the render says so (and nothing else).
    const started = Date.now();
    const missing = await stack.client.renderZip(
      zipSync({ "index.html": strToU8(VIDEOS.replace('id="v2" class="clip" src="counter.mp4"', 'id="v2" class="clip" src="gone.mp4"')), "counter.mp4": await counter() }),
      { fps: 10, quality: "draft" },
    );
    expect(missing.status).toBe("completed");
    expect(Date.now() - started).toBeLessThan(12_000); // no waiting for a video that will never load
    expect(missing.warnings).toEqual(["video gone.mp4 missing or unsupported: it will not be shown or heard"]);
    const noTemplate = await stack.client.renderZip(
      zipSync({ "index.html": strToU8(HOST), "compositions/card.html": strToU8("<div>no template here</div>") }),
      { fps: 10 },
    );
    expect(noTemplate.failure_message).toMatch(/compositions\/card\.html has no <template>/);
  });

  it("has no audio stream when nothing is audible", async () => {
    const render = await stack.client.renderZip(zipSync({ "index.html": strToU8(HOST), "compositions/card.html": strToU8(CARD) }), {
      fps: 20,
    });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    const file = await download(render, "nested.mp4");
    expect((await probeVideo(file)).hasAudio).toBe(false);

    // …and mounts the sub-composition, its timeline and its clips placed at the host's start.
    // Times at frame centres (20 fps), away from every change.
    const at = (t: number, x = 240, y = 180) => pixelAt(file, t, x, y);
    expectColour(await at(0.525), GREEN, "before 1 s: the host is not shown");
    expectColour(await at(1.225), RED, "card timeline at 0.2 s");
    expectColour(await at(1.725), BLUE, "card timeline at 0.7 s");
    expectColour(await at(1.125, 40, 30), RED, "the corner clip not shown yet");
    expectColour(await at(1.375, 40, 30), YELLOW, "the corner clip, 0.25–0.5 s into the card");
    expectColour(await at(1.625, 40, 30), BLUE, "the corner clip gone");
  });
});
