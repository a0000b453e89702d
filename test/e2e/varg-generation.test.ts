// AI generation end to end on the real local stack, against the fake providers served on a
// loopback port (no test reaches a real provider): prompts → provider queue/poll/result →
// probed media in the project → compiled, captured, encoded. Checked as a user would: the
// generated image's colour in the frames, the speech's tone at its level, caption words at
// their word times, files[] of generated assets, the fakes' call counts (cache), failure
// categories, preview placeholders, and that the key is nowhere in the stack's state or logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { VargClient, type VargJob } from "../../scripts/lib/varg-client.ts";
import { fakeProviderVars, serveFakeProviders, type FakeProviders } from "../../scripts/fake-providers/hub.ts";
import { GAP_SECONDS, WORD_SECONDS } from "../../scripts/fake-providers/media.ts";
import { decodeAudio, expectColour, frameRgba, levelDb, pixelAt, probeVideo } from "../support/media.ts";

const run = promisify(execFile);

const FAL_KEY = "fal-e2e-SECRET-7d1c9a4b2e";
const ELEVEN_KEY = "el-e2e-SECRET-55aa3c0f19";
const KEYS = { fal: FAL_KEY, elevenlabs: ELEVEN_KEY };

let stack: E2EStack;
let fakes: FakeProviders;
let closeFakes: () => Promise<void>;
let varg: VargClient;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "varg-gen-e2e-"));
  const served = await serveFakeProviders(0, { slowMs: 60_000 });
  fakes = served.fakes;
  closeFakes = served.close;
  // Many jobs in a few minutes: the per-user limits (10/min, 5 at once) are tested elsewhere.
  stack = await bootStack({
    ...fakeProviderVars(served.url),
    PROVIDER_POLL_MS: "50",
    GENERATION_TIMEOUT_MS: "6000",
    VARG_RATE_LIMIT_PER_MINUTE: "1000",
    VARG_MAX_CONCURRENT_RENDERS: "20",
  });
  varg = new VargClient(stack);
});

afterAll(async () => {
  await stack?.dispose();
  await closeFakes?.();
  await fs.rm(dir, { recursive: true, force: true });
});

async function download(url: string, name: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const file = path.join(dir, name);
  await fs.writeFile(file, new Uint8Array(await res.arrayBuffer()));
  return file;
}

// Colour probes assert the authored colours within 2 levels (expectColour): the prompt's
// #rrggbb, which the fakes draw exactly into PNGs; for a generated video, the fake's video's
// own decoded pixel (H.264 rounds it).

/** Pixels of frame k that are the colour `rgb` (within 2 levels: glyph interiors, not edges). */
async function pixelsOf(file: string, k: number, rgb: number[]): Promise<number> {
  const { data } = await frameRgba(file, k);
  let n = 0;
  for (let i = 0; i + 3 < data.length; i += 4) {
    if (Math.abs(data[i]! - rgb[0]!) <= 2 && Math.abs(data[i + 1]! - rgb[1]!) <= 2 && Math.abs(data[i + 2]! - rgb[2]!) <= 2) n++;
  }
  return n;
}

/** The `status` events of a job's SSE stream, until it closes. */
async function sseEvents(jobId: string): Promise<VargJob[]> {
  const res = await fetch(`${stack.apiUrl}/api/render/jobs/${jobId}/stream`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("event: status"))
    .map((block) => JSON.parse(block.split("\n").find((l) => l.startsWith("data: "))!.slice(6)) as VargJob);
}

// The measured scene of the issue: 3 images, 1 image-to-video (fed by the first image), a
// speech with TikTok captions and its audio. Words of fake speech: 0.3 s each, 0.1 s apart.
const SCENE = `import { Render, Clip, Image, Video, Speech, Captions } from "vargai/react";
import { fal, elevenlabs } from "vargai/ai";
const red = Image({ prompt: "a red poster #ff0000", model: fal.imageModel("flux-schnell") });
const voice = Speech({ model: elevenlabs.speechModel("eleven_multilingual_v2"), voice: "rachel", children: "one two three four" });
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration={1}>{red}</Clip>
    <Clip duration={1}><Image prompt="a green field #00ff00" /></Clip>
    <Clip duration={1}><Image prompt="a blue sky #0000ff" /></Clip>
    <Clip duration={2}><Video prompt={{ text: "the poster waves #ffff00", images: [red] }} model={fal.videoModel("kling-v3")} /></Clip>
    <Captions src={voice} style="tiktok" color="#ff00ff" withAudio />
  </Render>
);`;

describe("varg generation", () => {
  let first: VargJob;
  let firstMs: number;

  it("generates 3 images, an image-to-video and a captioned speech, and renders them", async () => {
    const polls: VargJob[] = [];
    const started = Date.now();
    first = await varg.render(SCENE, { providerKeys: KEYS }, (j) => polls.push(j));
    firstMs = Date.now() - started;
    expect(first.error, first.error).toBeUndefined();
    expect(first.status).toBe("completed");
    // Generation showed in the job while it ran.
    expect(polls.some((p) => p.stage === "generating" || (p.generation?.total ?? 0) > 0)).toBe(true);

    // One call per distinct generation: the image fed to the video was generated once.
    expect(fakes.submits("fal")).toHaveLength(4);
    expect(fakes.submits("elevenlabs")).toHaveLength(1);
    expect(fakes.submits().every((c) => c.key === `Key ${FAL_KEY}` || c.key === ELEVEN_KEY)).toBe(true);

    // files[]: every generated asset, signed, with type, model and prompt.
    const meta = first.files.map((f) => f.metadata);
    expect(meta.map((m) => m.type).sort()).toEqual(["image", "image", "image", "speech", "video"]);
    expect(meta.find((m) => m.prompt === "a green field #00ff00")).toMatchObject({ type: "image", model: "fal:nano-banana-pro" });
    expect(meta.find((m) => m.type === "video")).toMatchObject({ model: "fal:kling-v3", prompt: "the poster waves #ffff00" });
    expect(meta.find((m) => m.type === "speech")).toMatchObject({ model: "elevenlabs:eleven_multilingual_v2", prompt: "one two three four" });
    const image = first.files.find((f) => f.metadata.prompt === "a blue sky #0000ff")!;
    expect(image.mediaType).toBe("image/png");
    expectColour(await pixelAt(await download(image.url, "sky.png"), 0, 10, 10), [0, 0, 255], "the generated PNG", 0);

    const file = await download(first.output_url!, "generated.mp4");
    const info = await probeVideo(file);
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180, frameCount: 50, hasAudio: true });
    // Corners: the TikTok captions' big outlined words sit over the middle of a small frame.
    expectColour(await pixelAt(file, 0.5, 8, 8), [255, 0, 0], "red poster");
    expectColour(await pixelAt(file, 1.5, 8, 8), [0, 255, 0], "green field");
    expectColour(await pixelAt(file, 2.5, 8, 8), [0, 0, 255], "blue sky");
    const generated = await download(first.files.find((f) => f.metadata.type === "video")!.url, "waves.mp4");
    expectColour(await pixelAt(file, 4, 8, 8), await pixelAt(generated, 1, 8, 8), "the generated video");

    // Captions: magenta words while the speech runs (four words end at 1.5 s), none after:
    // frames 1 (0.1 s, the first word) and 13 (1.3 s, the fourth), and 35.
    expect(await pixelsOf(file, 1, [255, 0, 255])).toBeGreaterThan(20);
    expect(await pixelsOf(file, 13, [255, 0, 255])).toBeGreaterThan(20);
    expect(await pixelsOf(file, 35, [255, 0, 255])).toBe(0);
    // The speech's tone (¼ full scale: −15 dBFS RMS) during a word, silence in a gap and after.
    const audio = await decodeAudio(file);
    expect(levelDb(audio, 0.05, WORD_SECONDS - 0.05)).toBeCloseTo(-15, 0);
    // (The gap's edges are left out: mp3's encoder delay shifts the tone by ~25 ms.)
    const gap = levelDb(audio, WORD_SECONDS + 0.04, WORD_SECONDS + GAP_SECONDS - 0.02);
    expect(gap, `gap ${gap} dB`).toBeLessThan(-35);
    expect(levelDb(audio, 2.5, 4.5)).toBeLessThan(-60);
  });

  it("renders the same code again from the cache: zero provider calls", async () => {
    const before = fakes.submits().length;
    const started = Date.now();
    const again = await varg.render(SCENE, { providerKeys: KEYS });
    const againMs = Date.now() - started;
    expect(again.error, again.error).toBeUndefined();
    expect(fakes.submits().length).toBe(before);
    expect(again.files.map((f) => f.metadata.cached)).toEqual([true, true, true, true, true]);
    console.log(`[gen-e2e] first render ${firstMs} ms, cached re-render ${againMs} ms`);
  });

  it("awaits a multi-line Speech for its duration, word timings and segments", async () => {
    const code = `import { Render, Clip, Image, Speech, Captions } from "vargai/react";
import { elevenlabs } from "vargai/ai";
const s = await Speech({ model: elevenlabs.speechModel("eleven_multilingual_v2"), children: ["alpha beta", "gamma"] });
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration={s.segments[0].duration}><Image prompt={"#00ffff " + s.words.length + " words"} />{s.segments[0]}</Clip>
    <Clip duration={s.segments[1].duration}><Image prompt="#ff8000" /><Captions src={s.segments[1]} style="karaoke" color="#ffffff" /></Clip>
  </Render>
);`;
    const job = await varg.render(code, { providerKeys: KEYS });
    expect(job.error, job.error).toBeUndefined();
    expect(job.files.find((f) => f.metadata.type === "image" && String(f.metadata.prompt).startsWith("#00ffff"))?.metadata.prompt).toBe("#00ffff 3 words");
    const file = await download(job.output_url!, "segments.mp4");
    const info = await probeVideo(file);
    // Segment 1 ends midway in the pause after "beta" (0.75 s); segment 2 runs to the audio's
    // end (1.2 s of words and pause, plus the mp3's padding).
    expect(info.duration).toBeGreaterThan(1.1);
    expect(info.duration).toBeLessThan(1.4);
    expectColour(await pixelAt(file, 0.3, 10, 10), [0, 255, 255], "segment 1's image");
    expectColour(await pixelAt(file, 1.0, 10, 10), [255, 128, 0], "segment 2's image");
  });

  it("other providers through the same pipeline: OpenAI, Replicate and Google images, ElevenLabs music under them", async () => {
    const keys = { ...KEYS, openai: "sk-e2e-openai-000111222", replicate: "r8_e2e_replicate_333444", google: "goog-e2e-555666777" };
    const code = `import { Render, Clip, Image, Music } from "vargai/react";
import { openai, replicate, google, elevenlabs } from "vargai/ai";
export default (
  <Render width={320} height={180} fps={10}>
    <Music prompt="calm piano" model={elevenlabs.musicModel()} volume={0.5} />
    <Clip duration={1}><Image prompt="#ff0000 by openai" model={openai.imageModel("gpt-image-1")} zoom={null} /></Clip>
    <Clip duration={1}><Image prompt="#00ff00 by replicate" model={replicate.imageModel("black-forest-labs/flux-schnell")} zoom={null} /></Clip>
    <Clip duration={1}><Image prompt="#0000ff by google" model={google.imageModel("gemini-2.5-flash-image")} zoom={null} /></Clip>
  </Render>
);`;
    const job = await varg.render(code, { providerKeys: keys });
    expect(job.error, job.error).toBeUndefined();
    expect(job.files.map((f) => f.metadata.model).sort()).toEqual(["elevenlabs:music_v1", "google:gemini-2.5-flash-image", "openai:gpt-image-1", "replicate:black-forest-labs/flux-schnell"]);
    const file = await download(job.output_url!, "providers.mp4");
    expectColour(await pixelAt(file, 0.5, 160, 90), [255, 0, 0], "OpenAI's image");
    expectColour(await pixelAt(file, 1.5, 160, 90), [0, 255, 0], "Replicate's image");
    expectColour(await pixelAt(file, 2.5, 160, 90), [0, 0, 255], "Google's image");
    // The music tone (¼ full scale, −15.1 dBFS RMS) at volume 0.5: −21.1 dB (within 1 dB after
    // mp3 and AAC), cut at the video's end.
    const audio = await decodeAudio(file);
    expect(audio.duration).toBeCloseTo(3, 1);
    const level = levelDb(audio, 0.2, 2.8);
    expect(Math.abs(level - -21.1), `music at ${level} dB`).toBeLessThan(1);
  });

  it("a TalkingHead speaks its Speech: image + audio → lipsync video (sync-* models animate the image first)", async () => {
    const code = `import { Render, Clip, Image, Speech, TalkingHead } from "vargai/react";
import { fal, elevenlabs } from "vargai/ai";
const face = Image({ prompt: "a friendly face #ff00ff" });
const line = Speech({ model: elevenlabs.speechModel("eleven_multilingual_v2"), children: "hello there my friend" });
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration="auto"><TalkingHead image={face} audio={line} model={fal.videoModel("omnihuman-v1.5")} /></Clip>
    <Clip duration={1}><TalkingHead image={face} audio={line} model={fal.videoModel("kling-v3")} lipsyncModel={fal.videoModel("sync-v2-pro")} /></Clip>
  </Render>
);`;
    const before = fakes.submits("fal").length;
    const job = await varg.render(code, { providerKeys: KEYS });
    expect(job.error, job.error).toBeUndefined();
    const paths = fakes.submits("fal").slice(before).map((c) => c.path.split("?")[0]);
    expect(paths.sort()).toEqual(["/fal-ai/bytedance/omnihuman/v1.5", "/fal-ai/kling-video/o3/pro/image-to-video", "/fal-ai/nano-banana-pro", "/fal-ai/sync-lipsync/v2"]);
    expect(job.files.filter((f) => f.metadata.type === "video").map((f) => f.metadata.model).sort()).toEqual(["fal:omnihuman-v1.5", "fal:sync-v2-pro"]);
    const file = await download(job.output_url!, "talking.mp4");
    const info = await probeVideo(file);
    // Clip 1 lasts as long as its lipsync video, which lasts as long as the speech (1.6 s).
    expect(info.duration).toBeGreaterThan(2.5);
    expect(info.duration).toBeLessThan(2.9);
    // Clip 1 is omnihuman's video (the fake's solid colour for it): its own decoded pixel.
    const head = await download(job.files.find((f) => f.metadata.model === "fal:omnihuman-v1.5")!.url, "head.mp4");
    expectColour(await pixelAt(file, 0.5, 160, 90), await pixelAt(head, 0.5, 160, 90), "the talking head");
    // The talking head is heard: the lipsync video's tone (FFmpeg's sine, −21.1 dBFS RMS).
    const audio = await decodeAudio(file);
    const level = levelDb(audio, 0.2, 1.4);
    expect(Math.abs(level - -21.1), `talking head at ${level} dB`).toBeLessThan(1.5);
  });

  it("strict mode fails with the provider's category, naming the element, its clip and the model, without the key", async () => {
    const cases: Array<[string, string]> = [
      ["[fake:429]", "rate_limited"],
      ["[fake:402]", "quota_exceeded"],
      ["[fake:slow]", "timeout"],
      ["[fake:empty]", "provider_error"],
      ["[fake:404]", "provider_error"],
      ["[fake:malformed]", "provider_error"],
    ];
    const jobs = await Promise.all(
      cases.map(async ([token]) => {
        const code = `import { Render, Clip, Image } from "vargai/react";
export default <Render width={320} height={180} fps={10}><Clip duration={1}><Image prompt="a cat ${token}" /></Clip><Clip duration={1}><Image prompt="#123456" /></Clip></Render>;`;
        const { job_id } = await varg.submit({ code, output: "video", providerKeys: KEYS });
        return varg.waitForJob(job_id);
      }),
    );
    for (const [i, job] of jobs.entries()) {
      expect(job.status, cases[i]![0]).toBe("failed");
      expect(job.error_category, `${cases[i]![0]}: ${job.error}`).toBe(cases[i]![1]);
      expect(job.error).toMatch(/Image generation failed for <Image> in clip 1 \(fal:nano-banana-pro\): .*fal/);
      expect(job.error).not.toContain(FAL_KEY);
    }
  });

  it("preview mode puts a labelled placeholder where a generation failed and completes", async () => {
    const code = `import { Render, Clip, Image, Speech, Captions } from "vargai/react";
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration={1}><Image prompt="#00ff00 fine" /></Clip>
    <Clip duration={1}><Image prompt="broken [fake:500]" /></Clip>
    <Clip duration={1}><Image prompt="never answers [fake:slow]" /></Clip>
  </Render>
);`;
    // Watched over SSE, as a browser would: the slow one keeps the job generating for seconds.
    const { job_id } = await varg.submit({ code, mode: "preview", output: "video", providerKeys: KEYS });
    const events = await sseEvents(job_id);
    const generating = events.filter((e) => e.stage === "generating");
    expect(generating.length, JSON.stringify(events.map((e) => [e.status, e.stage, e.generation]))).toBeGreaterThan(0);
    expect(generating.at(-1)!.generation!.total).toBe(3);
    expect(events.at(-1)!.status).toBe("completed");
    const job = await varg.job(job_id);
    expect(job.error, job.error).toBeUndefined();
    expect(job.files.map((f) => f.metadata.prompt)).toEqual(["#00ff00 fine"]);
    expect(job.files).toHaveLength(1);
    const file = await download(job.output_url!, "preview.mp4");
    expectColour(await pixelAt(file, 0.5, 160, 90), [0, 255, 0], "the generated image");
    // The placeholder: dark grey stripes (#242424 / #303030) with light label text (#f2f2f2).
    const stand = await pixelAt(file, 1.5, 20, 170);
    const stripe = [[0x24, 0x24, 0x24], [0x30, 0x30, 0x30]].sort((a, b) => Math.abs(a[0]! - stand[0]!) - Math.abs(b[0]! - stand[0]!))[0]!;
    expectColour(stand, stripe, "the placeholder's stripes");
    expect(await pixelsOf(file, 15, [242, 242, 242])).toBeGreaterThan(30);
  });

  it("re-rendering after one of five generations failed regenerates only that one", async () => {
    const code = `import { Render, Clip, Image } from "vargai/react";
export default (
  <Render width={320} height={180} fps={10}>
    ${["#110000", "#001100", "#000011", "#111100 [fake:500-x3]", "#110011"].map((p) => `<Clip duration={0.5}><Image prompt="${p}" /></Clip>`).join("\n    ")}
  </Render>
);`;
    const before = fakes.submits("fal").length;
    const failed = await varg.render(code, { output: "video", providerKeys: KEYS });
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("clip 4");
    // Four succeeded once; the flaky one was tried 3 times (a 5xx is retried).
    expect(fakes.submits("fal").length - before).toBe(4 + 3);
    const mid = fakes.submits("fal").length;
    const retried = await varg.render(code, { output: "video", providerKeys: KEYS });
    expect(retried.error, retried.error).toBeUndefined();
    expect(fakes.submits("fal").slice(mid).map((c) => c.prompt)).toEqual(["#111100 [fake:500-x3]"]);
  });

  it("never writes a key to D1, R2, the RenderJob's state or the logs", async () => {
    const { stdout } = await run("grep", ["-rlaF", "-e", FAL_KEY, "-e", ELEVEN_KEY, stack.persistTo]).catch((e: { code?: number; stdout?: string }) => {
      if (e.code === 1) return { stdout: "" }; // grep: no match
      throw e;
    });
    expect(stdout, `files holding a key: ${stdout}`).toBe("");
    expect(stack.logs.join("\n")).not.toContain(FAL_KEY);
    expect(stack.logs.join("\n")).not.toContain(ELEVEN_KEY);
  });
});
