// The fal adapter against the fake fal queue: the endpoint each model runs, the input it sends
// (seen in the media the fake makes from it), the key, and every way fal fails.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { falAdapter, falLipsyncNeedsVideo } from "../../src/generation/providers/fal.ts";
import { ProviderError, type GenerationRequest } from "../../src/generation/types.ts";
import { solidPng, solidVideo, speechAudio } from "../../scripts/fake-providers/media.ts";
import { expectColour, pixelAt, probeVideo } from "../support/media.ts";
import { contextFor, startFakes, type FakeServer } from "./support.ts";

const KEY = "fal-test-key-0123456789";
let server: FakeServer;
let tmp: string;

beforeAll(async () => {
  server = await startFakes();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "fal-test-"));
});
afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});
beforeEach(() => server.fakes.reset());

const request = (over: Partial<GenerationRequest> = {}): GenerationRequest => ({
  provider: "fal",
  kind: "image",
  model: "",
  prompt: "a red square #ff0000",
  images: [],
  ...over,
});

const run = (req: GenerationRequest, options: { key?: string; timeoutMs?: number } = {}) =>
  falAdapter.generate(req, contextFor(server, "fal", { key: KEY, ...options }));

/** Size and first pixel of a PNG (the fake's are 8-bit RGB). */
function png(bytes: Uint8Array): { width: number; height: number; rgb: number[] } {
  const buf = Buffer.from(bytes);
  expect(buf.subarray(1, 4).toString("ascii")).toBe("PNG");
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    const type = buf.subarray(at + 4, at + 8).toString("ascii");
    const data = buf.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (1 + width * 3));
  // Row 0's first pixel is stored as is whatever the row filter.
  return { width, height, rgb: [raw[1]!, raw[2]!, raw[3]!] };
}

async function video(bytes: Uint8Array) {
  const file = path.join(tmp, `${Math.random().toString(36).slice(2)}.mp4`);
  await fs.writeFile(file, bytes);
  const info = await probeVideo(file);
  const [r, g, b] = await pixelAt(file, 0.5, 4, 4);
  return { ...info, rgb: [r!, g!, b!] };
}

// The fakes' media carry the prompt's colour: PNGs exactly, H.264 videos within one level
// (scripts/fake-providers/media.ts); asserted within 2 (issue 12).

/** The submits the fake saw, and the status/result calls after them. */
const submits = () => server.fakes.submits("fal");

async function failure(req: GenerationRequest, options: { key?: string; timeoutMs?: number } = {}): Promise<ProviderError> {
  const key = options.key ?? KEY;
  const err = await run(req, options).then(
    () => {
      throw new Error("expected the generation to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  const error = err as ProviderError;
  expect(error.message).toMatch(/\bfal\b/);
  expect(error.message).not.toContain(key);
  return error;
}

describe("fal images", () => {
  it("runs nano-banana-pro by default, authenticated with the key, and returns the prompt's PNG", async () => {
    const media = await run(request({ aspectRatio: "1:1" }));
    expect(media.endpoint).toBe("fal-ai/nano-banana-pro");
    expect(media.mediaType).toBe("image/png");
    expect(png(media.bytes)).toEqual({ width: 320, height: 320, rgb: [255, 0, 0] });
    expect(submits()).toEqual([expect.objectContaining({ method: "POST", path: "/fal-ai/nano-banana-pro", key: `Key ${KEY}`, prompt: "a red square #ff0000" })]);
    // Polled under the app (fal-ai/nano-banana-pro) until COMPLETED, then read the result.
    const polls = server.fakes.calls.filter((c) => c.path.endsWith("/status"));
    expect(polls.length).toBe(3);
    expect(server.fakes.calls.every((c) => c.key === `Key ${KEY}`)).toBe(true);
    expect(server.fakes.calls.at(-1)!.path).toMatch(/^\/fal-ai\/nano-banana-pro\/requests\/[^/]+$/);
  });

  it("sends image_size to flux models and aspect_ratio to the others", async () => {
    const flux = await run(request({ model: "flux-dev", aspectRatio: "9:16", prompt: "tall #00ff00" }));
    expect(flux.endpoint).toBe("fal-ai/flux/dev");
    expect(png(flux.bytes)).toEqual({ width: 180, height: 320, rgb: [0, 255, 0] });
    const grok = await run(request({ model: "grok-imagine-image", aspectRatio: "4:3", prompt: "wide #0000ff" }));
    expect(grok.endpoint).toBe("xai/grok-imagine-image");
    expect(png(grok.bytes)).toEqual({ width: 320, height: 240, rgb: [0, 0, 255] });
  });

  it("runs an endpoint id as given, with the input rules of the model behind it", async () => {
    const media = await run(request({ model: "fal-ai/flux/dev", aspectRatio: "1:1" }));
    expect(media.endpoint).toBe("fal-ai/flux/dev");
    expect(png(media.bytes).width).toBe(320);
    expect(png(media.bytes).height).toBe(320);
    expect(submits()[0]!.path).toBe("/fal-ai/flux/dev");
  });

  it("edits with the model's /edit endpoint when given images (sent as data: URIs)", async () => {
    const source = { bytes: solidPng(8, 8, [1, 2, 3]), mediaType: "image/png" };
    const media = await run(request({ images: [source], prompt: "make it #123456" }));
    expect(media.endpoint).toBe("fal-ai/nano-banana-pro/edit");
    expect(png(media.bytes).rgb).toEqual([0x12, 0x34, 0x56]);
    expect(submits()[0]!.path).toBe("/fal-ai/nano-banana-pro/edit");
    expect(falAdapter.endpointFor(request({ model: "nano-banana-2", images: [source] }))).toBe("fal-ai/nano-banana-2/edit");
    // A model without an editing variant keeps its endpoint (and gets image_urls), as in the SDK.
    expect(falAdapter.endpointFor(request({ model: "flux-pro", images: [source] }))).toBe("fal-ai/flux-pro/v1.1");
  });

  it("merges the factory options into the input last", async () => {
    const media = await run(request({ model: "grok-imagine-image", aspectRatio: "16:9", options: { aspect_ratio: "9:16" } }));
    expect(png(media.bytes)).toMatchObject({ width: 180, height: 320 });
  });
});

describe("fal video", () => {
  it("runs kling-v3 text-to-video with its duration rule (a string, at least 3 s) and audio", async () => {
    const media = await run(request({ kind: "video", prompt: "sea #2050c0", duration: 2.3, aspectRatio: "16:9" }));
    expect(media.endpoint).toBe("fal-ai/kling-video/o3/pro/text-to-video");
    expect(media.mediaType).toBe("video/mp4");
    const info = await video(media.bytes);
    expect(info.codec).toBe("h264");
    expect(info.duration).toBeCloseTo(3, 1);
    expect([info.width, info.height]).toEqual([320, 180]);
    expect(info.hasAudio).toBe(true); // generate_audio defaults on for Kling O3
    expectColour(info.rgb, [0x20, 0x50, 0xc0]);
  });

  it("runs image-to-video with the first image when given one, and snaps Kling 2.5 to 5 or 10 s", async () => {
    const image = { bytes: solidPng(8, 8, [200, 10, 10]), mediaType: "image/png" };
    const media = await run(request({ kind: "video", model: "kling-v2.5", prompt: "move #c80a0a", duration: 7, images: [image] }));
    expect(media.endpoint).toBe("fal-ai/kling-video/v2.5-turbo/pro/image-to-video");
    const info = await video(media.bytes);
    expect(info.duration).toBeCloseTo(5, 1);
    expect(info.hasAudio).toBe(false);
    expectColour(info.rgb, [200, 10, 10]);
    expect(submits()[0]!.path).toBe("/fal-ai/kling-video/v2.5-turbo/pro/image-to-video");
  });

  it("maps every SDK video model to its text- and image-to-video endpoints", () => {
    const image = { bytes: new Uint8Array([1]), mediaType: "image/png" };
    expect(falAdapter.endpointFor(request({ kind: "video", model: "sora-2" }))).toBe("fal-ai/sora-2/text-to-video");
    expect(falAdapter.endpointFor(request({ kind: "video", model: "sora-2", images: [image] }))).toBe("fal-ai/sora-2/image-to-video");
    expect(falAdapter.endpointFor(request({ kind: "video", model: "kling-v3-4k-image-to-video", images: [image] }))).toBe("fal-ai/kling-video/o3/4k/image-to-video");
    expect(falAdapter.endpointFor(request({ kind: "video", model: "raw:fal-ai/some/video" }))).toBe("fal-ai/some/video");
  });
});

describe("fal audio by endpoint id", () => {
  it("runs a speech endpoint named by id and returns its audio", async () => {
    const media = await run(request({ kind: "speech", model: "fal-ai/elevenlabs/tts/multilingual-v2", prompt: "hello there" }));
    expect(media.mediaType).toBe("audio/mpeg");
    expect(media.bytes.length).toBeGreaterThan(1000);
    expect(submits()[0]).toMatchObject({ path: "/fal-ai/elevenlabs/tts/multilingual-v2", prompt: "hello there" });
  });
});

describe("fal refusals", () => {
  it("names an unknown model and lists some it has", () => {
    const why = falAdapter.unsupported("image", "no-such-model")!;
    expect(why).toContain('"no-such-model"');
    expect(why).toContain("nano-banana-pro");
    expect(falAdapter.unsupported("video", "flux-dev")).toContain("kling-v3");
    expect(falAdapter.unsupported("image", "")).toBeNull();
    expect(falAdapter.unsupported("video", "")).toBeNull();
    expect(falAdapter.unsupported("image", "fal-ai/../../admin")).toContain("fal-ai/../../admin");
  });

  it("says fal offers no speech or music models by name", () => {
    expect(falAdapter.unsupported("speech", "")).toMatch(/fal does not offer speech/);
    expect(falAdapter.unsupported("music", "lyria")).toMatch(/fal does not offer music.*"lyria"/);
    expect(falAdapter.unsupported("music", "fal-ai/stable-audio")).toBeNull();
  });
});

describe("fal failures", () => {
  it("429 → rate_limited with fal's Retry-After", async () => {
    const error = await failure(request({ prompt: "busy [fake:429]" }));
    expect(error).toMatchObject({ category: "rate_limited", status: 429, retryAfter: 2 });
  });

  it("an exhausted balance (fal answers 403) → quota_exceeded", async () => {
    const error = await failure(request({ prompt: "broke [fake:402]" }));
    expect(error).toMatchObject({ category: "quota_exceeded", status: 403 });
    expect(error.message).toMatch(/Exhausted balance/);
  });

  it("a rejected key → provider_error 401, without the key in the message", async () => {
    expect(await failure(request({ prompt: "who [fake:401]" }))).toMatchObject({ category: "provider_error", status: 401 });
    expect(await failure(request(), { key: "bad-key" })).toMatchObject({ category: "provider_error", status: 401 });
  });

  it("a server error → provider_error 500 (the caller retries; the adapter does not)", async () => {
    const prompt = "flaky #abcdef [fake:500-once]";
    expect(await failure(request({ prompt }))).toMatchObject({ category: "provider_error", status: 500 });
    expect(submits()).toHaveLength(1);
    const media = await run(request({ prompt }));
    expect(png(media.bytes).rgb).toEqual([0xab, 0xcd, 0xef]);
  });

  it("a missing prompt → provider_error 422 quoting fal's detail", async () => {
    const error = await failure(request({ prompt: "" }));
    expect(error).toMatchObject({ category: "provider_error", status: 422 });
    expect(error.message).toMatch(/field required/);
  });

  it("a job that never leaves the queue → timeout at the deadline", async () => {
    const started = Date.now();
    const error = await failure(request({ prompt: "queue [fake:slow]" }), { timeoutMs: 500 });
    expect(error.category).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("malformed JSON → provider_error quoting it", async () => {
    const error = await failure(request({ prompt: "garbled [fake:malformed]" }));
    expect(error.category).toBe("provider_error");
    expect(error.message).toMatch(/malformed JSON/);
  });

  it("a result URL that 404s → provider_error naming the download", async () => {
    const error = await failure(request({ prompt: "lost [fake:404]" }));
    expect(error.category).toBe("provider_error");
    expect(error.message).toMatch(/could not be downloaded.*404/);
  });

  it("COMPLETED without output → provider_error", async () => {
    const error = await failure(request({ kind: "video", prompt: "nothing [fake:empty]" }));
    expect(error.category).toBe("provider_error");
    expect(error.message).toMatch(/no output URL/);
  });

  it("COMPLETED with an error → provider_error quoting it", async () => {
    const error = await failure(request({ prompt: "crash [fake:failed]" }));
    expect(error.category).toBe("provider_error");
    expect(error.message).toMatch(/failed \(runner_error\): .*CUDA out of memory/);
  });
});

describe("fal audio and video inputs (lipsync, talking heads, video-to-video)", () => {
  const face = { bytes: solidPng(8, 8, [90, 60, 40]), mediaType: "image/png" };
  // Fake speech: 5 words of 0.3 s with 0.1 s gaps, about 2.1 s (plus mp3 padding).
  const speech = async () => ({ bytes: await speechAudio("one two three four five"), mediaType: "audio/mpeg" });
  const clip = async () => ({ bytes: await solidVideo(160, 90, [10, 200, 10], 1), mediaType: "video/mp4" });

  /** The error a generation rejects with, which must not be a provider's. */
  async function refusal(req: GenerationRequest): Promise<Error> {
    const err = await run(req).then(
      () => {
        throw new Error("expected the generation to fail");
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ProviderError);
    return err as Error;
  }

  it("runs omnihuman-v1.5 with an image and a sound: an mp4 with audio, as long as the sound", async () => {
    const media = await run(request({ kind: "video", model: "omnihuman-v1.5", prompt: "speaks #3060a0", images: [face], audio: await speech() }));
    expect(media.endpoint).toBe("fal-ai/bytedance/omnihuman/v1.5");
    expect(media.mediaType).toBe("video/mp4");
    const info = await video(media.bytes);
    expect(info.codec).toBe("h264");
    expect(info.hasAudio).toBe(true);
    expect(info.duration).toBeGreaterThan(1.9);
    expect(info.duration).toBeLessThan(2.5);
    expectColour(info.rgb, [0x30, 0x60, 0xa0]);
    expect(submits()).toEqual([expect.objectContaining({ path: "/fal-ai/bytedance/omnihuman/v1.5", key: `Key ${KEY}` })]);
  });

  it("runs sync-v2-pro with a video and a sound", async () => {
    const media = await run(request({ kind: "video", model: "sync-v2-pro", prompt: "", video: await clip(), audio: await speech(), duration: 3 }));
    expect(media.endpoint).toBe("fal-ai/sync-lipsync/v2");
    const info = await video(media.bytes);
    expect(info.hasAudio).toBe(true);
    // sync.so takes no duration: the request's is not sent, the video lasts as long as the sound.
    expect(info.duration).toBeGreaterThan(1.9);
    expect(info.duration).toBeLessThan(2.5);
    expect(submits()[0]!.path).toBe("/fal-ai/sync-lipsync/v2");
  });

  it("refuses sync-v2-pro without a video (or any lipsync without a sound) before calling fal", async () => {
    const noVideo = await refusal(request({ kind: "video", model: "sync-v2-pro", images: [face], audio: await speech() }));
    expect(noVideo.message).toMatch(/^fal sync-v2-pro lipsyncs a video: it needs a video and an audio input/);
    expect(noVideo.message).toMatch(/animate the image into a video first/);
    const noSound = await refusal(request({ kind: "video", model: "omnihuman-v1.5", images: [face] }));
    expect(noSound.message).toBe("fal omnihuman-v1.5 makes an image speak a sound: it needs an image and an audio input");
    const noImage = await refusal(request({ kind: "video", model: "veed-fabric-1.0", audio: await speech() }));
    expect(noImage.message).toMatch(/needs an image and an audio input/);
    expect(submits()).toHaveLength(0);
  });

  it("runs veed-fabric-1.0 (with its required resolution) and ltx-2-a2v from a sound alone", async () => {
    const fabric = await run(request({ kind: "video", model: "veed-fabric-1.0", prompt: "", images: [face], audio: await speech() }));
    expect(fabric.endpoint).toBe("veed/fabric-1.0");
    expect((await video(fabric.bytes)).hasAudio).toBe(true);
    const ltx = await run(request({ kind: "video", model: "ltx-2-a2v", prompt: "a singer #c03030", audio: await speech() }));
    expect(ltx.endpoint).toBe("fal-ai/ltx-2-19b/audio-to-video");
    expectColour((await video(ltx.bytes)).rgb, [0xc0, 0x30, 0x30]);
    expect(submits().map((c) => c.path)).toEqual(["/veed/fabric-1.0", "/fal-ai/ltx-2-19b/audio-to-video"]);
  });

  it("maps every lipsync model to its endpoint, and says which need a video", () => {
    const endpoints = Object.fromEntries(
      ["sync-v2", "sync-v2-pro", "sync-v3", "lipsync", "omnihuman-v1.5", "veed-fabric-1.0", "ltx-2-a2v"].map((model) => {
        expect(falAdapter.unsupported("video", model)).toBeNull();
        return [model, falAdapter.endpointFor(request({ kind: "video", model }))];
      }),
    );
    expect(endpoints).toEqual({
      "sync-v2": "fal-ai/sync-lipsync",
      "sync-v2-pro": "fal-ai/sync-lipsync/v2",
      "sync-v3": "fal-ai/sync-lipsync/v3",
      lipsync: "fal-ai/sync-lipsync",
      "omnihuman-v1.5": "fal-ai/bytedance/omnihuman/v1.5",
      "veed-fabric-1.0": "veed/fabric-1.0",
      "ltx-2-a2v": "fal-ai/ltx-2-19b/audio-to-video",
    });
    expect(falAdapter.unsupported("image", "omnihuman-v1.5")).toContain('"omnihuman-v1.5"');
    for (const model of ["sync-v2", "sync-v2-pro", "sync-v3", "lipsync", "fal-ai/sync-lipsync/v3", "raw:fal-ai/sync-lipsync"]) {
      expect(falLipsyncNeedsVideo(model)).toBe(true);
    }
    for (const model of ["omnihuman-v1.5", "veed-fabric-1.0", "ltx-2-a2v", "kling-v3", "", "fal-ai/some/video"]) {
      expect(falLipsyncNeedsVideo(model)).toBe(false);
    }
  });

  it("maps the video-to-video, motion-control, reference and upscale models, and runs a video edit", async () => {
    const v = (model: string) => falAdapter.endpointFor(request({ kind: "video", model }));
    expect(v("grok-imagine-edit")).toBe("xai/grok-imagine-video/edit-video");
    expect(v("kling-v3-pro-motion-control")).toBe("fal-ai/kling-video/v3/pro/motion-control");
    expect(v("kling-v2.6-motion-standard")).toBe("fal-ai/kling-video/v2.6/standard/motion-control");
    expect(v("kling-v3-standard-v2v-reference")).toBe("fal-ai/kling-video/o3/standard/video-to-video/reference");
    expect(v("kling-v3-4k-reference-to-video")).toBe("fal-ai/kling-video/o3/4k/reference-to-video");
    expect(v("seedvr-video")).toBe("fal-ai/seedvr/upscale/video");
    expect(falAdapter.unsupported("video", "sora-2-remix")).toContain('"sora-2-remix"');

    const edit = await run(request({ kind: "video", model: "grok-imagine-edit", prompt: "make it #804020", video: await clip(), aspectRatio: "16:9" }));
    expect(edit.endpoint).toBe("xai/grok-imagine-video/edit-video");
    expectColour((await video(edit.bytes)).rgb, [0x80, 0x40, 0x20]);
    const motion = await refusal(request({ kind: "video", model: "kling-v3-pro-motion-control", images: [face] }));
    expect(motion.message).toMatch(/needs an image and a video input/);
    const t2v = await refusal(request({ kind: "video", model: "kling-v3", video: await clip() }));
    expect(t2v.message).toMatch(/kling-v3 .*not from a video/);
  });

  it("the fake answers 422 with fal's detail when a lipsync endpoint lacks a file", async () => {
    const res = await fetch(`${server.url}/fal/fal-ai/sync-lipsync/v2`, {
      method: "POST",
      headers: { Authorization: `Key ${KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ audio_url: "data:audio/mpeg;base64,AAAA", video_url: "data:image/png;base64,AAAA" }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: Array<{ loc: string[]; msg: string }> };
    expect(body.detail).toEqual([expect.objectContaining({ loc: ["body", "video_url"], msg: expect.stringMatching(/data:video/) })]);
    const none = await fetch(`${server.url}/fal/fal-ai/bytedance/omnihuman/v1.5`, {
      method: "POST",
      headers: { Authorization: `Key ${KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "hi" }),
    });
    expect(((await none.json()) as { detail: Array<{ loc: string[] }> }).detail.map((d) => d.loc[1])).toEqual(["image_url", "audio_url"]);
  });
});
