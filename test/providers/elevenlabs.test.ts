// The ElevenLabs adapter against the ElevenLabs fake: real mp3 speech whose words come from the
// character alignment, music of the asked length, and every failure in its category.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { elevenlabsAdapter, elevenlabsVoiceId, musicLengthMs, wordsFromAlignment } from "../../src/generation/providers/elevenlabs.ts";
import { ProviderError, type GenerationRequest } from "../../src/generation/types.ts";
import { characterAlignment, speechTimings } from "../../scripts/fake-providers/media.ts";
import { decodeAudio, levelDb } from "../support/media.ts";
import { contextFor, startFakes, type FakeServer } from "./support.ts";

let server: FakeServer;
let tmp: string;

beforeAll(async () => {
  server = await startFakes();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "elevenlabs-test-"));
});
afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});
beforeEach(() => server.fakes.reset());

const speech = (prompt: string, more: Partial<GenerationRequest> = {}): GenerationRequest => ({ provider: "elevenlabs", kind: "speech", model: "", prompt, images: [], ...more });
const music = (prompt: string, duration?: number): GenerationRequest => ({ provider: "elevenlabs", kind: "music", model: "", prompt, images: [], duration });

async function saved(bytes: Uint8Array, name: string): Promise<string> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, bytes);
  return file;
}

/** The ProviderError a generation fails with (fails the test if it succeeds). */
async function failure(request: GenerationRequest, options: { key?: string; timeoutMs?: number } = {}): Promise<ProviderError> {
  const err = await elevenlabsAdapter.generate(request, contextFor(server, "elevenlabs", options)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe("speech", () => {
  it("is an mp3 with each word at the time it is spoken, punctuation attached", async () => {
    const text = "Hello, brave new world!";
    const result = await elevenlabsAdapter.generate(speech(text, { voice: "josh" }), contextFor(server, "elevenlabs"));
    expect(result.mediaType).toBe("audio/mpeg");
    expect(result.endpoint).toBe("eleven_turbo_v2");
    const audio = await decodeAudio(await saved(result.bytes, "speech.mp3"));
    expect(audio.codec).toBe("mp3");

    const expected = speechTimings(text);
    expect(result.words?.map((w) => w.word)).toEqual(["Hello,", "brave", "new", "world!"]);
    result.words!.forEach((w, i) => {
      expect(w.start).toBeCloseTo(expected[i]!.start, 2);
      expect(w.end).toBeCloseTo(expected[i]!.end, 2);
    });
    // The tone sounds inside the words and not in the gaps between them (the mp3's decoder
    // delay shifts everything ~25 ms later, hence the lopsided windows).
    expect(levelDb(audio, expected[1]!.start + 0.05, expected[1]!.end - 0.05)).toBeGreaterThan(-20);
    expect(levelDb(audio, expected[1]!.end + 0.04, expected[2]!.start - 0.02)).toBeLessThan(-40);
  });

  it("sends the key and the voice id, to the default voice when none is named", async () => {
    await elevenlabsAdapter.generate(speech("one two"), contextFor(server, "elevenlabs", { key: "el-key-1" }));
    await elevenlabsAdapter.generate(speech("three", { voice: "Adam", model: "eleven_v3" }), contextFor(server, "elevenlabs", { key: "el-key-1" }));
    const [first, second] = server.fakes.submits("elevenlabs");
    expect(first).toMatchObject({ key: "el-key-1", prompt: "one two", path: "/text-to-speech/21m00Tcm4TlvDq8ikWAM/with-timestamps?output_format=mp3_44100_128" });
    expect(second!.path).toContain("/text-to-speech/pNInz6obpgDQGcFmaJgB/");
  });

  it("maps the SDK's voice names, passes ids through", () => {
    expect(elevenlabsVoiceId(undefined)).toBe("21m00Tcm4TlvDq8ikWAM");
    expect(elevenlabsVoiceId("Rachel")).toBe("21m00Tcm4TlvDq8ikWAM");
    expect(elevenlabsVoiceId("george")).toBe("JBFqnCBsd6RMkjVDRZzb");
    expect(elevenlabsVoiceId("josh")).toBe("TxGEqnHWrfWFTfGW9XjX");
    expect(elevenlabsVoiceId("AbCdEfGhIjKlMnOpQrSt")).toBe("AbCdEfGhIjKlMnOpQrSt");
  });

  it("an unknown voice is the provider's 404, quoted", async () => {
    const err = await failure(speech("hello", { voice: "nobody" }));
    expect(err.category).toBe("provider_error");
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/ElevenLabs failed speech \(HTTP 404\).*voice_not_found/);
  });

  it("reads words from alignment with newlines and repeated spaces", () => {
    const words = wordsFromAlignment(characterAlignment("a  b\nc"));
    expect(words.map((w) => w.word)).toEqual(["a", "b", "c"]);
    expect(words[1]!.start).toBeGreaterThan(words[0]!.end);
  });
});

describe("music", () => {
  it("is audio of the asked length", async () => {
    const result = await elevenlabsAdapter.generate(music("calm piano", 4), contextFor(server, "elevenlabs"));
    expect(result.mediaType).toBe("audio/mpeg");
    expect(result.endpoint).toBe("music_v1");
    const audio = await decodeAudio(await saved(result.bytes, "music.mp3"));
    expect(audio.duration).toBeGreaterThan(3.9);
    expect(audio.duration).toBeLessThan(4.2);
    expect(server.fakes.submits("elevenlabs")[0]).toMatchObject({ prompt: "calm piano", path: "/music?output_format=mp3_44100_128" });
  });

  it("clamps the length to the documented 3 s – 10 min, 30 s when not asked", async () => {
    expect(musicLengthMs(undefined)).toBe(30_000);
    expect(musicLengthMs(0.5)).toBe(3_000);
    expect(musicLengthMs(2.25)).toBe(3_000);
    expect(musicLengthMs(45.5)).toBe(45_500);
    expect(musicLengthMs(3600)).toBe(600_000);
    const result = await elevenlabsAdapter.generate(music("short sting", 1), contextFor(server, "elevenlabs"));
    const audio = await decodeAudio(await saved(result.bytes, "sting.mp3"));
    expect(audio.duration).toBeGreaterThan(2.9);
    expect(audio.duration).toBeLessThan(3.2);
  });
});

describe("failures", () => {
  const cases: Array<[string, ProviderError["category"], RegExp]> = [
    ["[fake:429]", "rate_limited", /ElevenLabs rate-limited speech \(HTTP 429, retry after 2 s\)/],
    ["[fake:402]", "quota_exceeded", /ElevenLabs refused speech for lack of quota/],
    ["[fake:401]", "provider_error", /ElevenLabs rejected the API key for speech \(HTTP 401\)/],
    ["[fake:500]", "provider_error", /ElevenLabs failed speech \(HTTP 500\)/],
    ["[fake:404]", "provider_error", /ElevenLabs failed speech \(HTTP 500\)/],
    ["[fake:malformed]", "provider_error", /ElevenLabs answered speech with malformed JSON/],
    ["[fake:empty]", "provider_error", /ElevenLabs returned no audio for speech/],
  ];
  for (const [token, category, message] of cases) {
    it(`speech ${token} → ${category}`, async () => {
      const key = "secret-el-key-0123456789";
      const err = await failure(speech(`say this ${token}`), { key });
      expect(err.category).toBe(category);
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain(key);
      if (category === "rate_limited") expect(err.retryAfter).toBe(2);
    });
  }

  it("music failures keep their categories too", async () => {
    expect((await failure(music("[fake:402] jingle", 3))).category).toBe("quota_exceeded");
    expect((await failure(music("[fake:429] jingle", 3))).category).toBe("rate_limited");
    const empty = await failure(music("[fake:empty] jingle", 3));
    expect(empty.message).toMatch(/ElevenLabs returned no audio for music/);
    const malformed = await failure(music("[fake:malformed] jingle", 3));
    expect(malformed.message).toMatch(/ElevenLabs answered music with application\/json instead of audio/);
  });

  it("a rejected key is a provider_error that does not quote the key", async () => {
    const err = await failure(speech("hello"), { key: "bad-key" });
    expect(err.category).toBe("provider_error");
    expect(err.status).toBe(401);
    expect(err.message).not.toContain("bad-key");
  });

  it("500-once fails, then the same prompt succeeds (the caller retries)", async () => {
    expect((await failure(speech("again [fake:500-once]"))).category).toBe("provider_error");
    const result = await elevenlabsAdapter.generate(speech("again [fake:500-once]"), contextFor(server, "elevenlabs"));
    expect(result.bytes.length).toBeGreaterThan(0);
    expect(server.fakes.submits("elevenlabs")).toHaveLength(2);
  });

  it("slow → timeout at the deadline", async () => {
    const started = Date.now();
    const err = await failure(speech("wait [fake:slow]"), { timeoutMs: 500 });
    expect(err.category).toBe("timeout");
    expect(err.message).toMatch(/ElevenLabs did not finish speech in time/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("what it cannot make", () => {
  it("names images and videos as unsupported", async () => {
    expect(elevenlabsAdapter.unsupported("image", "")).toMatch(/ElevenLabs makes speech and music only, not images/);
    expect(elevenlabsAdapter.unsupported("video", "anything")).toMatch(/not videos/);
    const err = await failure({ provider: "elevenlabs", kind: "image", model: "", prompt: "a cat", images: [] });
    expect(err.message).toMatch(/speech and music only/);
    expect(server.fakes.calls).toHaveLength(0);
  });

  it("names an unknown model, accepts the SDK's aliases and new eleven_ ids", () => {
    expect(elevenlabsAdapter.unsupported("speech", "gpt-4o-mini-tts")).toMatch(/"gpt-4o-mini-tts" is not an ElevenLabs speech model/);
    expect(elevenlabsAdapter.unsupported("music", "eleven_v3")).toMatch(/"eleven_v3" is not an ElevenLabs music model/);
    expect(elevenlabsAdapter.unsupported("speech", "turbo")).toBeNull();
    expect(elevenlabsAdapter.unsupported("speech", "eleven_flash_v2_5")).toBeNull();
    expect(elevenlabsAdapter.endpointFor(speech("x", { model: "multilingual_v2" }))).toBe("eleven_multilingual_v2");
    expect(elevenlabsAdapter.endpointFor(music("x"))).toBe("music_v1");
  });
});
