// The Google adapter against the Gemini API fake: Gemini and Imagen images of the asked shape
// and colour, Veo video fetched with the key, Gemini TTS wrapped into a WAV, and every failure
// in its category without the key in the message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { googleAdapter, nearestRatio, veoSeconds, wavFromPcm } from "../../src/generation/providers/google.ts";
import { ProviderError, type GenerationRequest } from "../../src/generation/types.ts";
import { solidPng, speechTimings } from "../../scripts/fake-providers/media.ts";
import { decodeAudio, expectColour, levelDb, pixelAt, probeVideo } from "../support/media.ts";
import { contextFor, startFakes, type FakeServer } from "./support.ts";

let server: FakeServer;
let tmp: string;

beforeAll(async () => {
  server = await startFakes();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "google-test-"));
});
afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});
beforeEach(() => server.fakes.reset());

type Kind = GenerationRequest["kind"];
const request = (kind: Kind, prompt: string, more: Partial<GenerationRequest> = {}): GenerationRequest => ({ provider: "google", kind, model: "", prompt, images: [], ...more });
const ctx = (options: { key?: string; timeoutMs?: number } = {}) => contextFor(server, "google", options);
const redPng = { bytes: solidPng(32, 32, [255, 0, 0]), mediaType: "image/png" };

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
  const err = await googleAdapter.generate(req, ctx(options)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe("images", () => {
  it("gemini-2.5-flash-image by default, in the asked aspect ratio and the prompt's colour", async () => {
    const result = await googleAdapter.generate(request("image", "#ff8800 a sunset", { aspectRatio: "16:9" }), ctx({ key: "g-key-1" }));
    expect(result).toMatchObject({ mediaType: "image/png", endpoint: "gemini-2.5-flash-image" });
    expect(readPng(result.bytes)).toEqual({ width: 320, height: 180, rgb: [0xff, 0x88, 0x00] });
    expect(server.fakes.submits("google")).toEqual([
      { provider: "google", method: "POST", path: "/models/gemini-2.5-flash-image:generateContent", key: "g-key-1", prompt: "#ff8800 a sunset", submit: true },
    ]);
  });

  it("nano-banana with input images edits them; a ratio Gemini lacks becomes the nearest", async () => {
    const result = await googleAdapter.generate(request("image", "#00ffff recolour", { model: "nano-banana", images: [redPng], aspectRatio: "2.39:1" }), ctx());
    expect(result.endpoint).toBe("gemini-2.5-flash-image");
    expect(readPng(result.bytes)).toEqual({ width: 320, height: 138, rgb: [0, 255, 255] }); // 21:9
    const broken = await failure(request("image", "recolour", { images: [{ bytes: new Uint8Array([1, 2, 3, 4]), mediaType: "image/png" }] }));
    expect(broken.message).toMatch(/Google failed image edit \(HTTP 400\).*Unable to process input image/);
  });

  it("Gemini 2.0's text-and-image answer still yields the image", async () => {
    const result = await googleAdapter.generate(request("image", "#445566 legacy", { model: "gemini-2-flash-image" }), ctx());
    expect(result.endpoint).toBe("gemini-2.0-flash-exp-image-generation");
    expect(readPng(result.bytes).rgb).toEqual([0x44, 0x55, 0x66]);
  });

  it("Imagen through :predict, and only from text", async () => {
    const result = await googleAdapter.generate(request("image", "#0000ff tall", { model: "imagen-4.0-generate-001", aspectRatio: "9:16" }), ctx());
    expect(result.endpoint).toBe("imagen-4.0-generate-001");
    expect(readPng(result.bytes)).toEqual({ width: 180, height: 320, rgb: [0, 0, 255] });
    expect(server.fakes.submits("google")[0]!.path).toBe("/models/imagen-4.0-generate-001:predict");
    const refused = await failure(request("image", "edit", { model: "imagen-4", images: [redPng] }));
    expect(refused.message).toMatch(/Imagen models \(imagen-4\.0-generate-001\) make images from text only/);
  });

  it("maps ratios to the nearest one a model offers", () => {
    expect(nearestRatio("16:9", ["1:1", "16:9"])).toBe("16:9");
    expect(nearestRatio("4:5", ["1:1", "3:4", "4:3", "9:16", "16:9"])).toBe("3:4");
    expect(nearestRatio("1:1", ["16:9", "9:16"])).toBe("16:9");
    expect(nearestRatio(undefined, ["16:9"])).toBeUndefined();
  });
});

describe("video (Veo)", () => {
  it("starts an operation, polls it, downloads the file with the key", async () => {
    const result = await googleAdapter.generate(request("video", "#ff00ff waves", { aspectRatio: "16:9", duration: 3, images: [redPng] }), ctx({ key: "g-video" }));
    expect(result).toMatchObject({ mediaType: "video/mp4", endpoint: "veo-3.0-generate-001" });
    const file = await saved(result.bytes, "veo.mp4");
    const info = await probeVideo(file);
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180 });
    expect(info.duration).toBeCloseTo(4, 1); // Veo 3 makes 4, 6 or 8 s: 3 s asked → 4 s
    // The prompt's #ff00ff: the fake's H.264 decodes within one level of it (issue 12: within 2).
    expectColour(await pixelAt(file, 1, 160, 90), [255, 0, 255], "the video's colour");
    const calls = server.fakes.calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f]{12,16}/g, "ID")} ${c.key}`);
    expect(calls).toEqual([
      "POST /models/veo-3.0-generate-001:predictLongRunning g-video",
      "GET /models/veo-3.0-generate-001/operations/ID g-video",
      "GET /models/veo-3.0-generate-001/operations/ID g-video",
      "GET /files/ID:download?alt=media g-video",
    ]);
  });

  it("picks the Veo clip length that covers the request", () => {
    expect([1, 4, 5, 7, 8, 20].map((d) => veoSeconds("veo-3.0-generate-001", d))).toEqual([4, 4, 6, 8, 8, 8]);
    expect([1, 6, 7].map((d) => veoSeconds("veo-2.0-generate-001", d))).toEqual([5, 6, 8]);
    expect(googleAdapter.endpointFor(request("video", "x", { model: "veo-3.1" }))).toBe("veo-3.1-generate-preview");
  });

  it("a failed operation, a filtered one, a missing file and one that never ends", async () => {
    const failed = await failure(request("video", "crash [fake:500]"));
    expect(failed.message).toMatch(/Google's veo-3.0-generate-001 failed the video: Video generation failed/);
    const filtered = await failure(request("video", "filtered [fake:empty]"));
    expect(filtered.message).toMatch(/Google returned no video for video \(filtered: The video could not be generated/);
    const gone = await failure(request("video", "gone [fake:404]"));
    expect(gone).toMatchObject({ category: "provider_error", status: 404 });
    expect(gone.message).toMatch(/Google failed video download \(HTTP 404\)/);
    const slow = await failure(request("video", "forever [fake:slow]"), { timeoutMs: 500 });
    expect(slow.category).toBe("timeout");
    expect(slow.message).toMatch(/Google did not finish video in time/);
  });
});

describe("speech (Gemini TTS)", () => {
  it("wraps the 24 kHz PCM into a WAV with the tone in each word, no word timings", async () => {
    const text = "one two three";
    const result = await googleAdapter.generate(request("speech", text, { voice: "puck" }), ctx());
    expect(result).toMatchObject({ mediaType: "audio/wav", endpoint: "gemini-2.5-flash-preview-tts" });
    expect(result.words).toBeUndefined();
    expect(Buffer.from(result.bytes.subarray(0, 4)).toString("ascii")).toBe("RIFF");
    const audio = await decodeAudio(await saved(result.bytes, "tts.wav"));
    expect(audio).toMatchObject({ codec: "pcm_s16le", channels: 1 });
    expect(audio.duration).toBeCloseTo(1.2, 2); // 3 words of 0.3 s, each followed by 0.1 s
    const [first, second] = speechTimings(text);
    expect(levelDb(audio, first!.start + 0.02, first!.end - 0.02)).toBeGreaterThan(-20);
    expect(levelDb(audio, first!.end + 0.02, second!.start - 0.02)).toBeLessThan(-60);
  });

  it("a voice Gemini does not have is its 400, quoted", async () => {
    const err = await failure(request("speech", "hello", { voice: "rachel" }));
    expect(err.message).toMatch(/Google failed speech \(HTTP 400\).*Voice name rachel is not supported/);
  });

  it("writes a valid WAV header", () => {
    const wav = wavFromPcm(new Uint8Array(48_000), 24_000);
    const view = new DataView(wav.buffer);
    expect(Buffer.from(wav.subarray(8, 16)).toString("ascii")).toBe("WAVEfmt ");
    expect([view.getUint32(24, true), view.getUint32(28, true), view.getUint32(40, true)]).toEqual([24_000, 48_000, 48_000]);
  });

  it("an answer without audio is 'returned no audio'", async () => {
    const err = await failure(request("speech", "nothing [fake:empty]"));
    expect(err.message).toMatch(/Google returned no audio for speech \(finish reason OTHER\)/);
  });
});

describe("failures", () => {
  const cases: Array<[string, ProviderError["category"], RegExp]> = [
    ["[fake:429]", "rate_limited", /Google rate-limited image generation \(HTTP 429, retry after 2 s\)/],
    ["[fake:402]", "quota_exceeded", /Google refused image generation: the daily quota is spent \(HTTP 429\)/],
    ["[fake:401]", "provider_error", /Google rejected the API key for image generation \(HTTP 400\)/],
    ["[fake:500]", "provider_error", /Google failed image generation \(HTTP 500\)/],
    ["[fake:404]", "provider_error", /Google failed image generation \(HTTP 500\)/],
    ["[fake:malformed]", "provider_error", /Google answered image generation with malformed JSON/],
    ["[fake:empty]", "provider_error", /Google returned no image for image generation \(finish reason STOP; it said: I can't create that image/],
  ];
  for (const [token, category, message] of cases) {
    it(`image ${token} → ${category}`, async () => {
      const key = "AIzaSy-secret-google-key-0123";
      const err = await failure(request("image", `a cat ${token}`), { key });
      expect(err.category).toBe(category);
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain(key);
      // Google says when to retry in RetryInfo; the adapter reads it there.
      if (category === "rate_limited") expect(err.retryAfter).toBe(2);
    });
  }

  it("Imagen and TTS keep the categories", async () => {
    const imagen = request("image", "", { model: "imagen-4.0-generate-001" });
    expect((await failure({ ...imagen, prompt: "x [fake:429]" })).category).toBe("rate_limited");
    expect((await failure({ ...imagen, prompt: "x [fake:402]" })).category).toBe("quota_exceeded");
    expect((await failure({ ...imagen, prompt: "x [fake:empty]" })).message).toMatch(/Google returned no image for image generation/);
    expect((await failure(request("speech", "x [fake:402]"))).category).toBe("quota_exceeded");
  });

  it("a bad or missing key is refused without quoting it", async () => {
    const bad = await failure(request("image", "a cat"), { key: "bad-key" });
    expect(bad).toMatchObject({ category: "provider_error", status: 400 });
    expect(bad.message).toMatch(/rejected the API key/);
    expect(bad.message).not.toContain("bad-key");
    const none = await failure(request("image", "a cat"), { key: "" });
    expect(none).toMatchObject({ category: "provider_error", status: 403 });
    expect(none.message).toMatch(/Google rejected the API key for image generation \(HTTP 403\)/);
  });

  it("500-once fails once, then the same prompt succeeds", async () => {
    expect((await failure(request("image", "retry me [fake:500-once]"))).category).toBe("provider_error");
    const result = await googleAdapter.generate(request("image", "retry me [fake:500-once]"), ctx());
    expect(result.bytes.length).toBeGreaterThan(0);
  });

  it("slow → timeout at the deadline", async () => {
    const started = Date.now();
    const err = await failure(request("image", "wait [fake:slow]"), { timeoutMs: 500 });
    expect(err.category).toBe("timeout");
    expect(err.message).toMatch(/Google did not finish image generation in time/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("what it cannot make", () => {
  it("names music and models that are not Google's", async () => {
    expect(googleAdapter.unsupported("music", "")).toMatch(/Google \(Gemini API\) does not make music/);
    expect(googleAdapter.unsupported("image", "flux-pro")).toMatch(/"flux-pro" is not a Google image model/);
    expect(googleAdapter.unsupported("video", "sora-2")).toMatch(/"sora-2" is not a Google video model/);
    expect(googleAdapter.unsupported("speech", "eleven_v3")).toMatch(/"eleven_v3" is not a Google speech model/);
    expect(googleAdapter.unsupported("image", "nano-banana-pro")).toBeNull();
    expect(googleAdapter.unsupported("video", "veo-2")).toBeNull();
    const err = await failure(request("music", "a jingle"));
    expect(err.message).toMatch(/does not make music/);
    expect(server.fakes.calls).toHaveLength(0);
  });
});
