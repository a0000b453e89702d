// The Replicate adapter against the fake predictions API: the route each model reference takes,
// the input it sends (read back from the prediction, which Replicate echoes), the media, the
// key, and every way Replicate fails.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { replicateAdapter } from "../../src/generation/providers/replicate.ts";
import { ProviderError, type GenerationRequest } from "../../src/generation/types.ts";
import { solidPng } from "../../scripts/fake-providers/media.ts";
import { expectColour, pixelAt, probeVideo } from "../support/media.ts";
import { contextFor, startFakes, type FakeServer } from "./support.ts";

const KEY = "r8_test_key_0123456789abcdef";
let server: FakeServer;
let tmp: string;

beforeAll(async () => {
  server = await startFakes();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "replicate-test-"));
});
afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});
beforeEach(() => server.fakes.reset());

const request = (over: Partial<GenerationRequest> = {}): GenerationRequest => ({
  provider: "replicate",
  kind: "image",
  model: "",
  prompt: "a red square #ff0000",
  images: [],
  ...over,
});

const run = (req: GenerationRequest, options: { key?: string; timeoutMs?: number } = {}) =>
  replicateAdapter.generate(req, contextFor(server, "replicate", { key: KEY, ...options }));

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

const submits = () => server.fakes.submits("replicate");

/** The input the last prediction ran with, as Replicate echoes it back. */
async function lastInput(): Promise<Record<string, unknown>> {
  const poll = server.fakes.calls.filter((c) => c.provider === "replicate" && /^\/predictions\/[^/]+$/.test(c.path)).at(-1)!;
  const res = await fetch(`${server.url}/replicate${poll.path}`, { headers: { Authorization: `Bearer ${KEY}` } });
  return ((await res.json()) as { input: Record<string, unknown> }).input;
}

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
  expect(error.message).toMatch(/\breplicate\b/);
  expect(error.message).not.toContain(key);
  return error;
}

describe("replicate images", () => {
  it("runs black-forest-labs/flux-schnell by default through the official-model route", async () => {
    const media = await run(request({ aspectRatio: "9:16" }));
    expect(media.endpoint).toBe("black-forest-labs/flux-schnell");
    expect(media.mediaType).toBe("image/png");
    expect(png(media.bytes)).toEqual({ width: 180, height: 320, rgb: [255, 0, 0] });
    expect(submits()).toEqual([
      expect.objectContaining({ method: "POST", path: "/models/black-forest-labs/flux-schnell/predictions", key: `Bearer ${KEY}`, prompt: "a red square #ff0000" }),
    ]);
    // starting → processing → succeeded: three polls of urls.get, all with the key.
    const polls = server.fakes.calls.filter((c) => c.method === "GET");
    expect(polls).toHaveLength(3);
    expect(polls.every((c) => c.key === `Bearer ${KEY}` && /^\/predictions\/\w+$/.test(c.path))).toBe(true);
    expect(await lastInput()).toEqual({ prompt: "a red square #ff0000", aspect_ratio: "9:16" });
  });

  it("runs owner/name:version through /predictions with the version", async () => {
    const media = await run(request({ model: "fofr/sdxl-emoji:dee76b5afde21b0f01ed7925f0665b7e879c50ee718c5f78a9d38e04d523cc5e", prompt: "emoji #00ff00" }));
    expect(media.endpoint).toMatch(/^fofr\/sdxl-emoji:dee76b/);
    expect(png(media.bytes).rgb).toEqual([0, 255, 0]);
    expect(submits()[0]!.path).toBe("/predictions");
  });

  it("sends the first image as a data: URI where the model reads it", async () => {
    const image = { bytes: solidPng(4, 4, [9, 9, 9]), mediaType: "image/png" };
    await run(request({ model: "black-forest-labs/flux-kontext-pro", images: [image] }));
    expect(await lastInput()).toMatchObject({ image: expect.stringMatching(/^data:image\/png;base64,iVBOR/) });
    await run(request({ model: "black-forest-labs/flux-2-pro", images: [image, image] }));
    expect(Object.keys(await lastInput())).toEqual(expect.arrayContaining(["input_image", "input_image_2"]));
    await run(request({ model: "google/nano-banana-pro", images: [image] }));
    expect((await lastInput()).image_input).toEqual([expect.stringMatching(/^data:image\/png;base64,/)]);
  });

  it("merges the factory options into the input last, without the AI SDK's polling settings", async () => {
    const media = await run(request({ aspectRatio: "16:9", options: { aspect_ratio: "1:1", output_format: "png", maxWaitTimeInSeconds: 5 } }));
    expect(png(media.bytes)).toMatchObject({ width: 320, height: 320 });
    expect(await lastInput()).toEqual({ prompt: "a red square #ff0000", aspect_ratio: "1:1", output_format: "png" });
  });
});

describe("replicate video and audio", () => {
  it("runs minimax/video-01 by default; the image starts the video, the duration is passed on", async () => {
    const image = { bytes: solidPng(4, 4, [1, 2, 3]), mediaType: "image/png" };
    const media = await run(request({ kind: "video", prompt: "waves #1e64c8", duration: 3, aspectRatio: "16:9", images: [image] }));
    expect(media.endpoint).toBe("minimax/video-01");
    expect(submits()[0]!.path).toBe("/models/minimax/video-01/predictions");
    const info = await video(media.bytes);
    expect(info.codec).toBe("h264");
    expect(info.duration).toBeCloseTo(3, 1);
    expect([info.width, info.height]).toEqual([320, 180]);
    expectColour(info.rgb, [0x1e, 0x64, 0xc8]);
    expect(await lastInput()).toMatchObject({ prompt: "waves #1e64c8", duration: 3, aspect_ratio: "16:9", first_frame_image: expect.stringMatching(/^data:image\/png/) });
  });

  it("runs a named speech model with the words as `text`", async () => {
    const media = await run(request({ kind: "speech", model: "minimax/speech-02-turbo", prompt: "hello world", voice: "Wise_Woman" }));
    expect(media.mediaType).toBe("audio/mpeg");
    expect(media.bytes.length).toBeGreaterThan(1000);
    expect(await lastInput()).toEqual({ text: "hello world", voice: "Wise_Woman" });
  });

  it("runs a named music model with prompt and duration", async () => {
    const media = await run(request({ kind: "music", model: "meta/musicgen", prompt: "calm piano", duration: 2 }));
    expect(media.mediaType).toBe("audio/mpeg");
    expect(await lastInput()).toEqual({ prompt: "calm piano", duration: 2 });
  });
});

describe("replicate refusals", () => {
  it("takes any kind from any owner/name model, and needs a name where it has no default", () => {
    expect(replicateAdapter.unsupported("image", "")).toBeNull();
    expect(replicateAdapter.unsupported("video", "")).toBeNull();
    expect(replicateAdapter.unsupported("speech", "someone/tts-model")).toBeNull();
    expect(replicateAdapter.unsupported("speech", "")).toMatch(/replicate has no default speech model/);
    expect(replicateAdapter.unsupported("music", "")).toMatch(/no default music model/);
    expect(replicateAdapter.unsupported("image", "flux schnell")).toContain('"flux schnell"');
    expect(replicateAdapter.unsupported("image", "../../admin")).toContain('"../../admin"');
  });
});

describe("replicate failures", () => {
  it("429 → rate_limited with Retry-After", async () => {
    expect(await failure(request({ prompt: "busy [fake:429]" }))).toMatchObject({ category: "rate_limited", status: 429, retryAfter: 2 });
  });

  it("402 → quota_exceeded", async () => {
    const error = await failure(request({ prompt: "broke [fake:402]" }));
    expect(error).toMatchObject({ category: "quota_exceeded", status: 402 });
    expect(error.message).toMatch(/insufficient credit/);
  });

  it("a rejected or missing token → provider_error 401", async () => {
    expect(await failure(request({ prompt: "who [fake:401]" }))).toMatchObject({ category: "provider_error", status: 401 });
    expect(await failure(request(), { key: "bad-key" })).toMatchObject({ category: "provider_error", status: 401 });
  });

  it("a server error → provider_error 500, once, then it runs", async () => {
    const prompt = "flaky #abcdef [fake:500-once]";
    expect(await failure(request({ prompt }))).toMatchObject({ category: "provider_error", status: 500 });
    expect(png((await run(request({ prompt }))).bytes).rgb).toEqual([0xab, 0xcd, 0xef]);
    expect(submits()).toHaveLength(2);
  });

  it("a missing prompt → provider_error 422 quoting Replicate's detail", async () => {
    const error = await failure(request({ prompt: "" }));
    expect(error).toMatchObject({ category: "provider_error", status: 422 });
    expect(error.message).toMatch(/prompt is required/);
  });

  it("a prediction that stays processing → timeout at the deadline", async () => {
    const started = Date.now();
    expect((await failure(request({ prompt: "wait [fake:slow]" }), { timeoutMs: 500 })).category).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("malformed JSON → provider_error", async () => {
    expect((await failure(request({ prompt: "garbled [fake:malformed]" }))).message).toMatch(/malformed JSON/);
  });

  it("an output URL that 404s → provider_error naming the download", async () => {
    expect((await failure(request({ prompt: "lost [fake:404]" }))).message).toMatch(/could not be downloaded.*404/);
  });

  it("succeeded without output → provider_error", async () => {
    expect((await failure(request({ kind: "video", prompt: "nothing [fake:empty]" }))).message).toMatch(/no output URL/);
  });

  it("a failed prediction → provider_error with its error", async () => {
    const error = await failure(request({ prompt: "crash [fake:failed]" }));
    expect(error.category).toBe("provider_error");
    expect(error.message).toMatch(/failed: CUDA out of memory/);
  });
});
