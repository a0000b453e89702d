// The varg dialect end to end on the real local stack: TSX posted to /api/render → sandbox →
// media fetched from a (local) CDN and probed → compiled composition → browser capture →
// encoder → signed download; checked as a user would check the file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { VargClient, type VargJob } from "../../scripts/lib/varg-client.ts";
import { decodeAudio, expectColour, levelDb, pixelAt, pixelOfFrame, probeVideo } from "../support/media.ts";
import { serveMedia, solidImage, steppedVideo, tone, type MediaServer } from "../support/media-server.ts";

let stack: E2EStack;
let media: MediaServer;
let varg: VargClient;
let dir: string;
const STEPS = ["0xc83232", "0x32c832", "0x3232c8"];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "varg-e2e-"));
  await Promise.all([
    solidImage(path.join(dir, "red.png"), "0xff0000", 320, 180),
    solidImage(path.join(dir, "blue.png"), "0x0000ff", 320, 180),
    // Off the gamut edge (no channel at 0 or 255): its frames are checked against its own
    // decoded colours, and Chromium's video YUV→RGB clips at the edge (3 levels on pure blue).
    steppedVideo(path.join(dir, "steps.mp4"), STEPS, 320, 180),
    tone(path.join(dir, "tone.wav"), 5),
    fs.writeFile(path.join(dir, "notes.txt"), "not an image"),
    fs.writeFile(path.join(dir, "hello.srt"), "1\n00:00:00,000 --> 00:00:04,000\nHELLO THERE\n"),
  ]);
  media = await serveMedia(dir);
  stack = await bootStack();
  varg = new VargClient(stack);
});

afterAll(async () => {
  await stack?.dispose();
  await media?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function download(url: string, name: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const file = path.join(dir, name);
  await fs.writeFile(file, new Uint8Array(await res.arrayBuffer()));
  return file;
}

// Colour probes assert the authored colours within 2 levels (expectColour): the PNGs' and the
// CSS colours as written, blends from them at the frame's exact transition progress, and for
// the video its own decoded pixel.
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const GREEN = [0, 255, 0];

describe("varg: TSX in, video out", () => {
  it("renders clips with a fade and Render-level music trimmed to the video", async () => {
    const code = `import { Render, Clip, Image, Music } from "vargai/react";
export default (
  <Render width={320} height={180} fps={10}>
    <Music src="${media.url("tone.wav")}" volume={0.5} />
    <Clip duration={1} transition={{ name: "fade", duration: 0.5 }}><Image src="${media.url("red.png")}" /></Clip>
    <Clip duration={1}><Image src="${media.url("blue.png")}" /></Clip>
  </Render>
);`;
    // As in the SDK (editly), a clip's transition leads into the next clip.
    const polls: VargJob[] = [];
    const job = await varg.render(code, {}, (j) => polls.push(j));
    expect(job.error, job.error).toBeUndefined();
    expect(job).toMatchObject({ status: "completed", files: [] });
    expect(job.duration_ms).toBeGreaterThan(0);
    expect(typeof job.completed_at).toBe("string");
    expect(polls.some((p) => p.status === "rendering")).toBe(true);
    const file = await download(job.output_url!, "fade.mp4");
    const info = await probeVideo(file);
    // Σ durations − Σ transitions: 2 − 0.5 s at 10 fps.
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180, frameCount: 15, hasAudio: true });
    expectColour(await pixelOfFrame(file, 2, 160, 90), RED, "clip 1");
    expectColour(await pixelOfFrame(file, 13, 160, 90), BLUE, "clip 2");
    // The fade runs over the 0.5 s overlap from 0.5 s; frame 7 (0.7 s) is 40% in: xfade's
    // a·P + b·(1 − P) with P = 0.6.
    expectColour(await pixelOfFrame(file, 7, 160, 90), RED.map((v, i) => v * 0.6 + BLUE[i]! * 0.4), "fade at 40%");
    const audio = await decodeAudio(file);
    expect(audio.duration).toBeCloseTo(1.5, 1);
    // FFmpeg's sine is 1/8 full scale (−21.1 dBFS RMS); volume 0.5 takes 6 dB more.
    expect(levelDb(audio, 0.1, 1.4)).toBeCloseTo(-27.1, 0);
    expect(job.thumbnail_url).toBeTruthy();
  });

  it("awaits an element for its real duration and trims a video", async () => {
    const code = `import { Render, Clip, Video } from "vargai/react";
const steps = await Video({ src: "${media.url("steps.mp4")}" });
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration={steps.duration - 1}><Video src="${media.url("steps.mp4")}" cutFrom={1} /></Clip>
  </Render>
);`;
    const job = await varg.render(code);
    expect(job.error, job.error).toBeUndefined();
    const file = await download(job.output_url!, "trim.mp4");
    const info = await probeVideo(file);
    expect(info.frameCount).toBe(20);
    // From 1 s into the source: its second step, then its third, each the source's own colour.
    const source = path.join(dir, "steps.mp4");
    expectColour(await pixelOfFrame(file, 5, 160, 90), await pixelAt(source, 1.5, 160, 90), "second step");
    expectColour(await pixelOfFrame(file, 15, 160, 90), await pixelAt(source, 2.5, 160, 90), "third step");
  });

  it("image-only scenes give one still per clip (frames), with clipIndex", async () => {
    const code = `import { Render, Clip, Image } from "vargai/react";
export default (
  <Render width={320} height={180}>
    <Clip duration={1}><Image src="${media.url("red.png")}" /></Clip>
    <Clip duration={1}><Image src="${media.url("blue.png")}" /></Clip>
  </Render>
);`;
    const job = await varg.render(code);
    expect(job.error, job.error).toBeUndefined();
    expect(job.files.map((f) => [f.clipIndex, f.mediaType])).toEqual([
      [0, "image/png"],
      [1, "image/png"],
    ]);
    const expected = [RED, BLUE];
    for (const [i, f] of job.files.entries()) {
      const still = await download(f.url, `still-${i}.png`);
      expectColour(await pixelAt(still, 0, 160, 90), expected[i]!, `still ${i}`);
    }
  });

  it("renders layouts, overlays, titles, captions from an SRT URL and a packshot written as TSX", async () => {
    const red = media.url("red.png");
    const blue = media.url("blue.png");
    const code = `import { Render, Clip, Image, Split, Grid, Overlay, Title, Subtitle, Captions, Packshot } from "vargai/react";
const Half = ({ left, right }) => <Split><Image src={left} /><Image src={right} /></Split>;
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration={1}><Half left="${red}" right="${blue}" /></Clip>
    <Clip duration={1}>
      <Grid columns={2}>{["${red}", "${blue}", "${blue}", "${red}"].map((src) => <Image src={src} />)}</Grid>
    </Clip>
    <Clip duration={1}>
      <Image src="${red}" resize="cover" zoom={null} />
      <Overlay left="50%" top="0%" width="50%" height="50%"><Image src="${blue}" resize="stretch" /></Overlay>
      <Title position="bottom">Hi</Title>
      <Subtitle>sub</Subtitle>
    </Clip>
    <Clip duration={1}><Packshot background="#00ff00" title="Bye" /></Clip>
    <Captions src="${media.url("hello.srt")}" style="tiktok" position="top" color="#ffffff" />
  </Render>
);`;
    const job = await varg.render(code);
    expect(job.error, job.error).toBeUndefined();
    const file = await download(job.output_url!, "layouts.mp4");
    expect((await probeVideo(file)).frameCount).toBe(40);
    // Split: red | blue.
    expectColour(await pixelAt(file, 0.5, 40, 120), RED, "split left");
    expectColour(await pixelAt(file, 0.5, 280, 120), BLUE, "split right");
    // Grid 2×2: red blue / blue red.
    expectColour(await pixelAt(file, 1.5, 40, 60), RED, "grid top left");
    expectColour(await pixelAt(file, 1.5, 280, 60), BLUE, "grid top right");
    expectColour(await pixelAt(file, 1.5, 40, 150), BLUE, "grid bottom left");
    expectColour(await pixelAt(file, 1.5, 280, 150), RED, "grid bottom right");
    // The overlay's box (top right quarter) over a red clip.
    expectColour(await pixelAt(file, 2.5, 240, 45), BLUE, "overlay box");
    expectColour(await pixelAt(file, 2.5, 40, 120), RED, "clip under the overlay");
    // The packshot's background, away from its title.
    expectColour(await pixelAt(file, 3.5, 10, 170), GREEN, "packshot background");
  });

  it.each([
    ["a 404", "missing.png", /missing\.png answered HTTP 404/],
    ["not an image", "notes.txt", /notes\.txt is not an image/],
    ["a redirect loop", "redirect-loop", /redirected more than 3 times/],
  ])("fails the job clearly when a media URL is %s", async (_, name, message) => {
    const code = `import { Render, Clip, Image } from "vargai/react";
export default <Render width={320} height={180}><Clip duration={1}><Image src="${media.url(name)}" /></Clip></Render>;`;
    const job = await varg.render(code, { output: "video" });
    expect(job.status).toBe("failed");
    expect(job.error_category).toBe("invalid_source");
    expect(job.error).toMatch(message);
    expect(job.error).toMatch(/<Image>/);
  });
});
