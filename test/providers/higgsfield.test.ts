// The Higgsfield adapter against the fake platform API: Soul images from the job-set API, the
// two credentials split out of one key, the params sent (read back from the job set), and every
// way Higgsfield fails.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inflateSync } from "node:zlib";
import { higgsfieldAdapter } from "../../src/generation/providers/higgsfield.ts";
import { ProviderError, type GenerationRequest } from "../../src/generation/types.ts";
import { contextFor, startFakes, type FakeServer } from "./support.ts";

const API_KEY = "hf-key-id-0123456789";
const SECRET = "hf-secret-abcdefghijklmnop";
const KEY = `${API_KEY}:${SECRET}`;
let server: FakeServer;

beforeAll(async () => {
  server = await startFakes();
});
afterAll(() => server?.close());
beforeEach(() => server.fakes.reset());

const request = (over: Partial<GenerationRequest> = {}): GenerationRequest => ({
  provider: "higgsfield",
  kind: "image",
  model: "",
  prompt: "a red square #ff0000",
  images: [],
  ...over,
});

const run = (req: GenerationRequest, options: { key?: string; timeoutMs?: number } = {}) =>
  higgsfieldAdapter.generate(req, contextFor(server, "higgsfield", { key: KEY, ...options }));

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

/** The params the last job set ran with, as the API shows them. */
async function lastParams(): Promise<Record<string, unknown>> {
  const poll = server.fakes.calls.filter((c) => c.provider === "higgsfield" && c.path.startsWith("/v1/job-sets/")).at(-1)!;
  const res = await fetch(`${server.url}/higgsfield${poll.path}`, { headers: { "hf-api-key": API_KEY, "hf-secret": SECRET } });
  return ((await res.json()) as { params: Record<string, unknown> }).params;
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
  expect(error.message).toMatch(/\bhiggsfield\b/);
  for (const part of [key, ...key.split(":")].filter((p) => p.length >= 4)) expect(error.message).not.toContain(part);
  return error;
}

describe("higgsfield images", () => {
  it("runs Soul with both credentials and returns the prompt's image at the asked shape", async () => {
    const media = await run(request({ aspectRatio: "9:16" }));
    expect(media.endpoint).toBe("text2image/soul");
    expect(media.mediaType).toBe("image/png");
    expect(png(media.bytes)).toEqual({ width: 180, height: 320, rgb: [255, 0, 0] });
    expect(server.fakes.submits("higgsfield")).toEqual([
      expect.objectContaining({ method: "POST", path: "/v1/text2image/soul", key: KEY, prompt: "a red square #ff0000" }),
    ]);
    // queued → in_progress → completed.
    const polls = server.fakes.calls.filter((c) => c.method === "GET");
    expect(polls).toHaveLength(3);
    expect(polls.every((c) => c.key === KEY)).toBe(true);
    expect(await lastParams()).toEqual({ prompt: "a red square #ff0000", width_and_height: "1152x2048", enhance_prompt: false, quality: "1080p", batch_size: 1 });
  });

  it("passes the SDK's model settings under their API names, and squares an unknown ratio", async () => {
    const media = await run(request({ model: "soul", aspectRatio: "21:9", options: { styleId: "1cb4b936-77bf-4f9a-9039-f3d349a4cdbe", quality: "720p", enhancePrompt: true } }));
    expect(png(media.bytes)).toMatchObject({ width: 320, height: 320 });
    expect(await lastParams()).toMatchObject({ width_and_height: "1536x1536", style_id: "1cb4b936-77bf-4f9a-9039-f3d349a4cdbe", quality: "720p", enhance_prompt: true });
  });

  it("refuses other kinds and models with a sentence naming them", () => {
    expect(higgsfieldAdapter.unsupported("image", "")).toBeNull();
    expect(higgsfieldAdapter.unsupported("image", "soul")).toBeNull();
    expect(higgsfieldAdapter.unsupported("image", "dop-turbo")).toMatch(/higgsfield has no image model "dop-turbo".*soul/);
    expect(higgsfieldAdapter.unsupported("video", "")).toMatch(/higgsfield offers images only.*not video/);
    expect(higgsfieldAdapter.unsupported("speech", "soul")).toMatch(/not speech/);
  });
});

describe("higgsfield failures", () => {
  it("a key without its secret part → provider_error before any call, not quoting the key", async () => {
    const error = await failure(request(), { key: "just-one-credential" });
    expect(error.message).toMatch(/"<api key>:<secret>"/);
    expect(server.fakes.calls).toHaveLength(0);
  });

  it("429 → rate_limited with Retry-After", async () => {
    expect(await failure(request({ prompt: "busy [fake:429]" }))).toMatchObject({ category: "rate_limited", status: 429, retryAfter: 2 });
  });

  it("402 → quota_exceeded", async () => {
    expect(await failure(request({ prompt: "broke [fake:402]" }))).toMatchObject({ category: "quota_exceeded", status: 402 });
  });

  it("rejected credentials → provider_error 401", async () => {
    expect(await failure(request({ prompt: "who [fake:401]" }))).toMatchObject({ category: "provider_error", status: 401 });
    expect(await failure(request(), { key: "bad-key:whatever-secret" })).toMatchObject({ category: "provider_error", status: 401 });
  });

  it("a server error → provider_error 500, once, then it runs", async () => {
    const prompt = "flaky #abcdef [fake:500-once]";
    expect(await failure(request({ prompt }))).toMatchObject({ category: "provider_error", status: 500 });
    expect(png((await run(request({ prompt }))).bytes).rgb).toEqual([0xab, 0xcd, 0xef]);
  });

  it("a missing prompt → provider_error 422", async () => {
    const error = await failure(request({ prompt: "" }));
    expect(error).toMatchObject({ category: "provider_error", status: 422 });
    expect(error.message).toMatch(/Field required/);
  });

  it("a job that stays queued → timeout at the deadline", async () => {
    const started = Date.now();
    expect((await failure(request({ prompt: "wait [fake:slow]" }), { timeoutMs: 500 })).category).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("malformed JSON → provider_error", async () => {
    expect((await failure(request({ prompt: "garbled [fake:malformed]" }))).message).toMatch(/malformed JSON/);
  });

  it("a result URL that 404s → provider_error naming the download", async () => {
    expect((await failure(request({ prompt: "lost [fake:404]" }))).message).toMatch(/could not be downloaded.*404/);
  });

  it("completed without results → provider_error", async () => {
    expect((await failure(request({ prompt: "nothing [fake:empty]" }))).message).toMatch(/no output URL/);
  });

  it("a failed or NSFW job → provider_error saying so", async () => {
    expect((await failure(request({ prompt: "crash [fake:failed]" }))).message).toMatch(/failed/);
    expect((await failure(request({ prompt: "nope [fake:nsfw]" }))).message).toMatch(/NSFW/);
  });
});
