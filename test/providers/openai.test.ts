// The OpenAI adapter against the OpenAI fake: images of the asked shape and colour (generated,
// downloaded from a URL, edited from inputs), speech with Whisper's word timings, Sora video,
// and every failure in its category without the key in the message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { openaiAdapter, soraSeconds } from "../../src/generation/providers/openai.ts";
import { ProviderError, type GenerationRequest, type JsonValue } from "../../src/generation/types.ts";
import { solidPng, speechTimings } from "../../scripts/fake-providers/media.ts";
import { decodeAudio, expectColour, pixelAt, probeVideo } from "../support/media.ts";
import { contextFor, startFakes, type FakeServer } from "./support.ts";

let server: FakeServer;
let tmp: string;

beforeAll(async () => {
  server = await startFakes();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "openai-test-"));
});
afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});
beforeEach(() => server.fakes.reset());

type Kind = GenerationRequest["kind"];
const request = (kind: Kind, prompt: string, more: Partial<GenerationRequest> = {}): GenerationRequest => ({ provider: "openai", kind, model: "", prompt, images: [], ...more });
const ctx = (options: { key?: string; timeoutMs?: number } = {}) => contextFor(server, "openai", options);

async function saved(bytes: Uint8Array, name: string): Promise<string> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, bytes);
  return file;
}

/** Size and first pixel of an 8-bit RGB PNG (what the fakes paint). */
function readPng(bytes: Uint8Array): { width: number; height: number; rgb: number[] } {
  const buf = Buffer.from(bytes);
  expect(buf.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString("ascii", at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 2]);
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw[0]).toBe(0); // first row unfiltered: its bytes are the pixels
  return { width, height, rgb: [raw[1]!, raw[2]!, raw[3]!] };
}

async function failure(req: GenerationRequest, options: { key?: string; timeoutMs?: number } = {}): Promise<ProviderError> {
  const err = await openaiAdapter.generate(req, ctx(options)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe("images", () => {
  it("gpt-image-1 by default: a landscape PNG in the prompt's colour, the key sent", async () => {
    const result = await openaiAdapter.generate(request("image", "#ff8800 a sunset", { aspectRatio: "16:9" }), ctx({ key: "sk-test-1" }));
    expect(result.endpoint).toBe("gpt-image-1");
    expect(result.mediaType).toBe("image/png");
    // 1536x1024 scaled by the fake to a long side of 320.
    expect(readPng(result.bytes)).toEqual({ width: 320, height: 214, rgb: [0xff, 0x88, 0x00] });
    expect(server.fakes.submits("openai")).toEqual([
      { provider: "openai", method: "POST", path: "/images/generations", key: "Bearer sk-test-1", prompt: "#ff8800 a sunset", submit: true },
    ]);
  });

  it("portrait and square sizes follow the aspect ratio", async () => {
    const portrait = await openaiAdapter.generate(request("image", "#0000ff tall", { aspectRatio: "9:16" }), ctx());
    expect(readPng(portrait.bytes)).toMatchObject({ width: 214, height: 320, rgb: [0, 0, 255] });
    const square = await openaiAdapter.generate(request("image", "#00ff00 box"), ctx());
    expect(readPng(square.bytes)).toMatchObject({ width: 320, height: 320, rgb: [0, 255, 0] });
  });

  it("dall-e-3 answering with a URL is downloaded", async () => {
    const options: JsonValue = { response_format: "url" };
    const result = await openaiAdapter.generate(request("image", "#123456 wide", { model: "dall-e-3", aspectRatio: "16:9", options }), ctx());
    expect(result.endpoint).toBe("dall-e-3");
    expect(result.mediaType).toBe("image/png");
    expect(readPng(result.bytes)).toEqual({ width: 320, height: 182, rgb: [0x12, 0x34, 0x56] }); // 1792x1024
  });

  it("with input images it edits them (multipart image[])", async () => {
    const input = { bytes: solidPng(64, 64, [255, 0, 0]), mediaType: "image/png" };
    const result = await openaiAdapter.generate(request("image", "#00ffff make it cyan", { images: [input, input] }), ctx());
    expect(readPng(result.bytes).rgb).toEqual([0, 255, 255]);
    expect(server.fakes.submits("openai").map((c) => c.path)).toEqual(["/images/edits"]);

    const broken = await failure(request("image", "edit this", { images: [{ bytes: new Uint8Array([1, 2, 3]), mediaType: "image/png" }] }));
    expect(broken).toMatchObject({ category: "provider_error", status: 400 });
    expect(broken.message).toMatch(/OpenAI failed image edit \(HTTP 400\).*Invalid image file/);
  });
});

describe("speech", () => {
  it("is an mp3 with Whisper's word timings at the spoken times", async () => {
    const text = "The quick brown fox";
    const result = await openaiAdapter.generate(request("speech", text, { voice: "Nova" }), ctx({ key: "sk-speech" }));
    expect(result).toMatchObject({ mediaType: "audio/mpeg", endpoint: "gpt-4o-mini-tts" });
    const audio = await decodeAudio(await saved(result.bytes, "speech.mp3"));
    expect(audio.codec).toBe("mp3");
    expect(audio.duration).toBeGreaterThan(1.6);
    const expected = speechTimings(text);
    expect(result.words?.map((w) => w.word)).toEqual(["The", "quick", "brown", "fox"]);
    result.words!.forEach((w, i) => {
      expect(w.start).toBeCloseTo(expected[i]!.start, 2);
      expect(w.end).toBeCloseTo(expected[i]!.end, 2);
    });
    // Speech, then its transcription, both with the key (the log keeps the Authorization value as sent).
    expect(server.fakes.calls.map((c) => [c.path, c.key])).toEqual([
      ["/audio/speech", "Bearer sk-speech"],
      ["/audio/transcriptions", "Bearer sk-speech"],
    ]);
  });

  it("a failed transcription leaves the speech without words", async () => {
    const result = await openaiAdapter.generate(request("speech", "no timings [fake:no-words]"), ctx());
    expect(result.bytes.length).toBeGreaterThan(1000);
    expect(result.words).toBeUndefined();
  });

  it("a voice OpenAI does not have is its 400, quoted", async () => {
    const err = await failure(request("speech", "hello", { voice: "rachel" }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/OpenAI failed speech \(HTTP 400\).*Invalid value: 'rachel'/);
  });
});

describe("video (Sora)", () => {
  it("creates, polls and downloads an mp4 of the asked length and colour", async () => {
    const result = await openaiAdapter.generate(request("video", "#ff00ff dancing", { aspectRatio: "16:9", duration: 3 }), ctx({ key: "sk-video" }));
    expect(result).toMatchObject({ mediaType: "video/mp4", endpoint: "sora-2" });
    const file = await saved(result.bytes, "sora.mp4");
    const info = await probeVideo(file);
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180 });
    expect(info.duration).toBeCloseTo(4, 1);
    // The prompt's #ff00ff: the fake's H.264 decodes within one level of it (issue 12: within 2).
    expectColour(await pixelAt(file, 1, 160, 90), [255, 0, 255], "the video's colour");
    const calls = server.fakes.calls.map((c) => `${c.method} ${c.path.replace(/video_\w+/, "ID")} ${c.key}`);
    expect(calls[0]).toBe("POST /videos Bearer sk-video");
    expect(calls.at(-1)).toBe("GET /videos/ID/content Bearer sk-video");
    expect(server.fakes.submits("openai")).toHaveLength(1);
  });

  it("picks Sora's clip length that covers the request", () => {
    expect([undefined, 1, 4, 5, 8, 9, 12, 30].map(soraSeconds)).toEqual([4, 4, 4, 8, 8, 12, 12, 12]);
  });

  it("a failed job, a missing download, empty content and a job that never ends", async () => {
    const failed = await failure(request("video", "crash [fake:500]"));
    expect(failed.message).toMatch(/OpenAI's sora-2 failed the video: Video generation failed/);
    const gone = await failure(request("video", "gone [fake:404]"));
    expect(gone).toMatchObject({ category: "provider_error", status: 404 });
    const empty = await failure(request("video", "nothing [fake:empty]"));
    expect(empty.message).toMatch(/OpenAI returned no video for video/);
    const slow = await failure(request("video", "forever [fake:slow]"), { timeoutMs: 500 });
    expect(slow.category).toBe("timeout");
  });
});

describe("failures", () => {
  const cases: Array<[string, ProviderError["category"], RegExp]> = [
    ["[fake:429]", "rate_limited", /OpenAI rate-limited image generation \(HTTP 429, retry after 2 s\)/],
    ["[fake:402]", "quota_exceeded", /OpenAI refused image generation for lack of quota or credit \(HTTP 429\)/],
    ["[fake:401]", "provider_error", /OpenAI rejected the API key for image generation \(HTTP 401\)/],
    ["[fake:500]", "provider_error", /OpenAI failed image generation \(HTTP 500\)/],
    ["[fake:malformed]", "provider_error", /OpenAI answered image generation with malformed JSON/],
    ["[fake:empty]", "provider_error", /OpenAI returned no image for image generation/],
    ["[fake:404]", "provider_error", /OpenAI's output for image generation could not be downloaded/],
  ];
  for (const [token, category, message] of cases) {
    it(`image ${token} → ${category}`, async () => {
      const key = "sk-proj-abcdefghijklmnop0123";
      const err = await failure(request("image", `a cat ${token}`), { key });
      expect(err.category).toBe(category);
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain(key);
      expect(err.message).not.toContain("0123"); // not even the masked tail OpenAI echoes
      if (category === "rate_limited") expect(err.retryAfter).toBe(2);
    });
  }

  it("speech keeps the categories (quota is a 429 with insufficient_quota)", async () => {
    expect((await failure(request("speech", "hi [fake:402]"))).category).toBe("quota_exceeded");
    expect((await failure(request("speech", "hi [fake:429]"))).category).toBe("rate_limited");
    expect((await failure(request("speech", "hi [fake:empty]"))).message).toMatch(/OpenAI returned no audio for speech/);
  });

  it("a rejected key, which OpenAI echoes, stays out of the message", async () => {
    const err = await failure(request("image", "a cat"), { key: "bad-key" });
    expect(err).toMatchObject({ category: "provider_error", status: 401 });
    expect(err.message).toMatch(/Incorrect API key provided: \[redacted\]/);
    expect(err.message).not.toContain("bad-key");
  });

  it("500-once fails once, then the same prompt succeeds", async () => {
    expect((await failure(request("image", "retry me [fake:500-once]"))).category).toBe("provider_error");
    const result = await openaiAdapter.generate(request("image", "retry me [fake:500-once]"), ctx());
    expect(result.bytes.length).toBeGreaterThan(0);
  });

  it("slow → timeout at the deadline", async () => {
    const started = Date.now();
    const err = await failure(request("image", "wait [fake:slow]"), { timeoutMs: 500 });
    expect(err.category).toBe("timeout");
    expect(err.message).toMatch(/OpenAI did not finish image generation in time/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("what it cannot make", () => {
  it("names music and unknown models", async () => {
    expect(openaiAdapter.unsupported("music", "")).toMatch(/OpenAI does not make music/);
    expect(openaiAdapter.unsupported("image", "flux-pro")).toMatch(/"flux-pro" is not an OpenAI image model/);
    expect(openaiAdapter.unsupported("video", "veo-3")).toMatch(/"veo-3" is not an OpenAI video model/);
    expect(openaiAdapter.unsupported("speech", "tts-1-hd")).toBeNull();
    expect(openaiAdapter.unsupported("video", "sora-2-pro")).toBeNull();
    const err = await failure(request("music", "a jingle"));
    expect(err.message).toMatch(/does not make music/);
    expect(server.fakes.calls).toHaveLength(0);
  });
});
