// The encoder server on its own: real FFmpeg, frames streamed in, files checked with ffprobe.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { decodeAudio, decodeFrames, expectColour, levelDb, makeTestFrames, pixelAt, pixelEveryFrame, probeVideo } from "../support/media.ts";

const run = promisify(execFile);

let server: ChildProcess;
/** Resolves with the exit code once the server process has exited (for whatever reason). */
let serverExit: Promise<number | null>;
let origin: string;
let tmp: string;
/** The server's TMPDIR: every request's temp dir must be gone once it is answered. */
let serverTmp: string;
const serverLog: string[] = [];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "encoder-test-"));
  serverTmp = path.join(tmp, "server-tmp");
  await fs.mkdir(serverTmp);
  server = spawn(process.execPath, [path.resolve("containers/encoder/server.ts")], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", TMPDIR: serverTmp },
    stdio: ["ignore", "pipe", "inherit"],
  });
  serverExit = new Promise((resolve) => server.once("exit", resolve));
  origin = await new Promise<string>((resolve, reject) => {
    server.once("exit", (code) => reject(new Error(`encoder exited with ${code}`)));
    let buffered = "";
    server.stdout!.on("data", (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      serverLog.push(...lines);
      const match = /encoder listening on (http:\/\/\S+)/.exec(lines.join("\n"));
      if (match) resolve(match[1]!);
    });
  });
});

// A crash would otherwise show up as confusing failures in the tests that follow.
afterEach(({ task }) => {
  if (!task.name.includes("SIGTERM")) expect(server.exitCode, "the encoder process exited").toBeNull();
});

afterAll(async () => {
  if (server && server.exitCode === null) server.kill("SIGKILL");
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

type Query = Record<string, string | number>;

function segmentUrl(q: Query): string {
  const params = { fps: 30, quality: "draft", format: "mp4", width: 320, height: 180, input: "jpeg", ...q };
  return `${origin}/segments?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;
}

function finalizeUrl(q: Query): string {
  const params = { fps: 30, format: "mp4", ...q };
  return `${origin}/finalize?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;
}

/** Streams `body` in 16 KiB pieces (cutting through images), as the capture loop does. */
function streamed(body: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      controller.enqueue(body.subarray(offset, offset + 16_384));
      offset += 16_384;
    },
  });
}

function post(url: string, body: Buffer, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: "POST", body: streamed(body), duplex: "half", signal } as RequestInit);
}

/** The /finalize framing: [u64 BE length][segment]… */
function framed(segments: Buffer[]): Buffer {
  return Buffer.concat(
    segments.flatMap((s) => {
      const header = Buffer.alloc(8);
      header.writeBigUInt64BE(BigInt(s.length));
      return [header, s];
    }),
  );
}

async function save(name: string, res: Response): Promise<string> {
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(Number(res.headers.get("content-length"))).toBe(bytes.length);
  const file = path.join(tmp, name);
  await fs.writeFile(file, bytes);
  return file;
}

async function segment(q: Query, frames: Buffer): Promise<Buffer> {
  const res = await post(segmentUrl(q), frames);
  expect(res.status, await res.clone().text().catch(() => "")).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  expect(res.headers.get("content-type")).toBe("application/json");
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

/** Indexes of the keyframes of the first video stream. */
async function keyframes(file: string): Promise<number[]> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", file]);
  return stdout
    .trim()
    .split("\n")
    .flatMap((flags, i) => (flags.includes("K") ? [i] : []));
}

async function profileOf(file: string): Promise<string> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=profile", "-of", "csv=p=0", file]);
  return stdout.trim();
}

/** Waits until every request's temp dir is removed (they go once the answer is sent). */
async function expectTempDirsGone(): Promise<void> {
  const deadline = Date.now() + 5_000;
  let left = await fs.readdir(serverTmp);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = await fs.readdir(serverTmp);
  }
  expect(left).toEqual([]);
}

// ---------------------------------------------------------------------------------------------

describe("encoder server", () => {
  it("answers /healthz with the FFmpeg version", async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; ffmpeg: string };
    expect(body.ok).toBe(true);
    expect(body.ffmpeg).toMatch(/^ffmpeg version \S+/);
  });

  it("encodes 30 streamed JPEG frames into one closed-GOP H.264 segment", async () => {
    const res = await post(segmentUrl({ frames: 30 }), await makeTestFrames(30, 320, 180, "jpeg"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/x-matroska");
    expect(res.headers.get("x-frame-count")).toBe("30");
    const file = await save("segment.mkv", res);
    const info = await probeVideo(file);
    // The JPEGs' own full-range BT.601 samples, tagged as such (see ffmpeg-args.ts).
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180, pixFmt: "yuvj420p", frameCount: 30, fps: 30 });
    expect(info).toMatchObject({ colorSpace: "smpte170m", colorRange: "pc", formatName: "matroska,webm" });
    expect(await keyframes(file)).toEqual([0]);
    await expectTempDirsGone();
  });

  it("joins a red and a blue segment into an MP4 with exact frames and duration, seam included", async () => {
    const red = await segment({ frames: 15, quality: "standard" }, await makeTestFrames(15, 320, 180, "jpeg", { colourAt: () => "red" }));
    const blue = await segment({ frames: 15, quality: "standard" }, await makeTestFrames(15, 320, 180, "jpeg", { colourAt: () => "blue" }));

    const res = await post(finalizeUrl({ format: "mp4", fps: 30, frames: 30 }), framed([red, blue]));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("x-frame-count")).toBe("30");
    expect(Number(res.headers.get("x-duration"))).toBeCloseTo(1, 3);
    const file = await save("joined.mp4", res);

    const info = await probeVideo(file);
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180, pixFmt: "yuvj420p", frameCount: 30, fps: 30 });
    expect(info).toMatchObject({ colorSpace: "smpte170m", colorRange: "pc", hasAudio: false, hasAlpha: false });
    expect(info.formatName).toContain("mp4");
    expect(info.duration).toBeCloseTo(1, 3);
    // +faststart: the index comes before the media data.
    const bytes = await fs.readFile(file);
    expect(bytes.indexOf("moov")).toBeLessThan(bytes.indexOf("mdat"));

    expectColour(await pixelAt(file, 0.2, 160, 90), [255, 0, 0], "red segment");
    expectColour(await pixelAt(file, 0.8, 160, 90), [0, 0, 255], "blue segment");
    // Frame by frame: 0–14 red, 15–29 blue, nothing lost, doubled or blended at the seam.
    const frames = await decodeFrames(file);
    expect(frames).toHaveLength(30);
    frames.forEach(({ mean }, i) => expectColour(mean, i < 15 ? [255, 0, 0] : [0, 0, 255], `frame ${i}`));
    await expectTempDirsGone();
  });

  // Issue 12: authored colours land within one level of their sRGB values in every format and
  // quality, from every kind of frame the capture sends (docs/colour.md).
  /** RGB of every pixel of row y of the first frame. */
  async function pixelRow(file: string, y: number): Promise<number[][]> {
    const info = await probeVideo(file);
    const { stdout } = await run(
      "ffmpeg",
      ["-v", "error", "-i", file, "-frames:v", "1", "-vf", `scale=in_color_matrix=bt709:in_range=tv:flags=accurate_rnd+full_chroma_int,format=rgb24,crop=${info.width}:1:0:${y}`, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
      { encoding: "buffer", maxBuffer: 1024 * 1024 },
    );
    const px = stdout as unknown as Buffer;
    return Array.from({ length: info.width }, (_, x) => [px[x * 3]!, px[x * 3 + 1]!, px[x * 3 + 2]!]);
  }
  const PALETTE: [number, number, number][] = [
    [30, 64, 175], [245, 158, 11], [159, 18, 57], [16, 185, 129], [255, 0, 0], [0, 255, 0], [0, 0, 255],
    [255, 255, 255], [0, 0, 0], [128, 128, 128], [255, 255, 0], [124, 58, 237],
  ];
  const hex = (c: number[]) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  const cases: { input: "jpeg" | "webp" | "png"; format: "mp4" | "webm" | "mov"; quality: "draft" | "standard" | "high" }[] = [
    ...(["draft", "standard", "high"] as const).flatMap((quality) =>
      (["jpeg", "webp"] as const).map((input) => ({ input, format: "mp4" as const, quality })),
    ),
    { input: "webp", format: "webm", quality: "standard" },
    { input: "webp", format: "mov", quality: "standard" },
    { input: "png", format: "mp4", quality: "standard" },
  ];
  for (const { input, format, quality } of cases) {
    it(`keeps authored colours within one level: ${input} frames → ${format} ${quality}`, async () => {
      const frames = await makeTestFrames(PALETTE.length, 320, 180, input, { colourAt: (i) => hex(PALETTE[i]!) });
      const seg = await segment({ frames: PALETTE.length, format, quality, input }, frames);
      const file = path.join(tmp, `palette-${input}-${format}-${quality}.mkv`);
      await fs.writeFile(file, seg);
      const pixels = await pixelEveryFrame(file, 160, 90);
      expect(pixels).toHaveLength(PALETTE.length);
      pixels.forEach((px, i) => expectColour(px, PALETTE[i]!, `${hex(PALETTE[i]!)} (${input} → ${format} ${quality})`, 1));
    });
  }

  it("keeps a grey ramp smooth: every level within two of its value (x264 at work), never stepping back", async () => {
    const { stdout } = await run(
      "ffmpeg",
      ["-v", "error", "-f", "lavfi", "-i", "color=c=black:s=1024x16:r=1", "-frames:v", "1",
        "-vf", "format=rgb24,geq=r='floor(X/4)':g='floor(X/4)':b='floor(X/4)'", "-c:v", "libwebp", "-lossless", "1", "-f", "image2pipe", "pipe:1"],
      { encoding: "buffer", maxBuffer: 1024 * 1024 },
    );
    const seg = await segment({ frames: 1, format: "mp4", quality: "standard", input: "webp", width: 1024, height: 16 }, stdout as unknown as Buffer);
    const file = path.join(tmp, "ramp.mkv");
    await fs.writeFile(file, seg);
    let last = -1;
    const row = await pixelRow(file, 8);
    for (let x = 0; x < 1024; x++) {
      const level = Math.floor(x / 4);
      const [r, g, b] = row[x]!;
      expectColour([r!, g!, b!], [level, level, level], `ramp at ${x}`);
      // Banding would show as steps back or runs far longer than the authored 4 px.
      expect(r!, `ramp at ${x}`).toBeGreaterThanOrEqual(last - 1);
      last = Math.max(last, r!);
    }
  });

  it("scales frames of another size to the requested one", async () => {
    const seg = await segment({ frames: 4, width: 160, height: 90 }, await makeTestFrames(4, 320, 180, "jpeg"));
    const file = path.join(tmp, "scaled.mkv");
    await fs.writeFile(file, seg);
    expect(await probeVideo(file)).toMatchObject({ width: 160, height: 90, frameCount: 4 });
  });

  it("keeps transparency in WebM (VP9 with alpha), through segment and join", async () => {
    const png = await makeTestFrames(6, 320, 180, "png", { colourAt: () => "red", transparentLeft: true });
    const seg = await segment({ frames: 6, format: "webm", input: "png" }, png);
    const segFile = path.join(tmp, "alpha-segment.mkv");
    await fs.writeFile(segFile, seg);
    expect(await probeVideo(segFile)).toMatchObject({ codec: "vp9", hasAlpha: true, frameCount: 6 });

    const res = await post(finalizeUrl({ format: "webm", frames: 6 }), framed([seg]));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/webm");
    const file = await save("alpha.webm", res);
    const info = await probeVideo(file);
    expect(info).toMatchObject({ codec: "vp9", width: 320, height: 180, hasAlpha: true, frameCount: 6, formatName: "matroska,webm" });
    expect(info.duration).toBeCloseTo(0.2, 2);
    // Alpha as authored within 2 levels too: the left half 0, the right half 255 (opaque red).
    expect((await pixelAt(file, 0.1, 40, 90))[3]).toBeLessThanOrEqual(2); // left half: transparent
    const right = await pixelAt(file, 0.1, 240, 90);
    expectColour(right, [255, 0, 0], "opaque half");
    expect(right[3]).toBeGreaterThanOrEqual(253);
  });

  it("writes MOV as ProRes 4444 with alpha", async () => {
    const png = await makeTestFrames(6, 320, 180, "png", { colourAt: (i) => (i < 3 ? "red" : "blue"), transparentLeft: true });
    const seg = await segment({ frames: 6, format: "mov", input: "png", quality: "standard" }, png);
    const res = await post(finalizeUrl({ format: "mov", frames: 6 }), framed([seg]));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/quicktime");
    const file = await save("alpha.mov", res);
    const info = await probeVideo(file);
    expect(info).toMatchObject({ codec: "prores", hasAlpha: true, frameCount: 6, fps: 30, colorSpace: "bt709" });
    expect(info.pixFmt).toMatch(/^yuva444p1[02]le$/);
    expect(info.formatName).toContain("mov");
    expect(info.duration).toBeCloseTo(0.2, 3);
    expect(await profileOf(file)).toBe("4444");
    expect((await pixelAt(file, 0, 40, 90))[3]).toBe(0);
    expectColour(await pixelAt(file, 0, 240, 90), [255, 0, 0], "first frames");
    expectColour(await pixelAt(file, 0.15, 240, 90), [0, 0, 255], "last frames");
  });

  it("joins one-frame and two-frame segments (the shortest last chunks) exactly", async () => {
    const one = await segment({ frames: 1, fps: 24 }, await makeTestFrames(1, 320, 180, "jpeg"));
    const two = await segment({ frames: 2, fps: 24 }, await makeTestFrames(2, 320, 180, "jpeg"));
    const res = await post(finalizeUrl({ fps: 24, frames: 5 }), framed([two, one, two]));
    expect(res.status, await res.clone().text()).toBe(200);
    const info = await probeVideo(await save("short.mp4", res));
    expect(info).toMatchObject({ frameCount: 5, fps: 24 });
    expect(info.duration).toBeCloseTo(5 / 24, 3);
  });

  it("refuses bad parameters with 400 invalid_parameter naming the parameter", async () => {
    const cases: [string, string][] = [
      [segmentUrl({ frames: 5, fps: 0 }), "fps"],
      [segmentUrl({ frames: 5, fps: 241 }), "fps"],
      [segmentUrl({ frames: 5, fps: 2.5 }), "fps"],
      [segmentUrl({ frames: 5, fps: "" }), "fps"],
      [segmentUrl({ frames: 5, width: 321 }), "width"],
      [segmentUrl({ frames: 5, height: -180 }), "height"],
      [segmentUrl({ frames: 5, format: "gif" }), "format"],
      [segmentUrl({ frames: 5, quality: "ultra" }), "quality"],
      [segmentUrl({ frames: 5, input: "tiff" }), "input"],
      [segmentUrl({ frames: 0 }), "frames"],
      [`${origin}/segments?fps=30&quality=draft&format=mp4&width=320&height=180&input=jpeg`, "frames"],
      [finalizeUrl({ format: "avi", frames: 5 }), "format"],
      [finalizeUrl({ fps: "x", frames: 5 }), "fps"],
      [finalizeUrl({}), "frames"],
    ];
    const body = await makeTestFrames(5, 320, 180, "jpeg");
    for (const [url, param] of cases) {
      const res = await post(url, body);
      expect(res.status, url).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("invalid_parameter");
      expect(error.message, url).toContain(param);
    }
  });

  it("answers anything else with 404 not_found", async () => {
    for (const [method, route] of [["GET", "/segments"], ["GET", "/"], ["POST", "/healthz"], ["PUT", "/finalize"]]) {
      const res = await fetch(`${origin}${route}`, { method });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe("not_found");
    }
  });

  it("mixes audio sources into the join: rate, loop, fades, silent sources skipped, exact length", async () => {
    const seg = await segment({ frames: 30 }, await makeTestFrames(30, 320, 180, "jpeg"));
    const run = (args: string[]) => promisify(execFile)("ffmpeg", ["-v", "error", ...args]);
    // A 0.5 s source at amplitude 0.5 (RMS −9 dB), and a file with no audio stream at all.
    const tone = path.join(tmp, "tone.wav");
    await run(["-f", "lavfi", "-i", "aevalsrc='0.5*sin(2*PI*440*t)':s=44100:d=0.5", "-y", tone]);
    // 0.25 s of silence, then 0.25 s of the tone: looped from 0.25 s in, it never falls silent.
    const half = path.join(tmp, "half.wav");
    await run(["-f", "lavfi", "-i", "aevalsrc='if(gte(t,0.25),0.5*sin(2*PI*440*t),0)':s=44100:d=0.5", "-y", half]);
    const mute = path.join(tmp, "mute.mkv");
    await run(["-f", "lavfi", "-i", "color=c=red:s=64x64:r=10:d=1", "-c:v", "libx264", "-y", mute]);
    const track = { mediaStart: 0, volume: 1, loop: false, fadeIn: 0, fadeOut: 0 };
    const mix = [
      // 0.0–0.2 s: the tone at double speed (0.4 s of source in 0.2 s).
      { ...track, source: 0, start: 0, end: 0.2, rate: 2 },
      // 0.3–1.0 s: half.wav looped from its offset (0.25 s in), fading out.
      { ...track, source: 1, start: 0.3, end: 1, rate: 1, mediaStart: 0.25, loop: true, fadeOut: 0.1 },
      { ...track, source: 2, start: 0, end: 1, rate: 1 },
    ];
    const res = await fetch(finalizeUrl({ frames: 30, segments: 1 }), {
      method: "POST",
      body: framed([seg, await fs.readFile(tone), await fs.readFile(half), await fs.readFile(mute)]),
      headers: { "x-audio-mix": encodeURIComponent(JSON.stringify(mix)) },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("x-audio-tracks")).toBe("2");
    expect(res.headers.get("x-audio-silent-sources")).toBe("2");
    const file = await save("mixed.mp4", res);
    const audio = await decodeAudio(file);
    expect(audio.codec).toBe("aac");
    expect(Math.abs(audio.duration - 1)).toBeLessThan(0.03);
    const full = 20 * Math.log10(0.5 / Math.SQRT2);
    expect(Math.abs(levelDb(audio, 0.02, 0.18) - full)).toBeLessThan(1);
    expect(levelDb(audio, 0.22, 0.28)).toBeLessThan(-60); // the fast tone ended at 0.2 s
    // Wrapped back to 0.25 s in (not to the file's silent start) at 0.55 s and 0.8 s.
    for (const [from, to] of [[0.32, 0.53], [0.57, 0.78], [0.82, 0.88]] as const) {
      expect(Math.abs(levelDb(audio, from, to) - full), `${from}–${to} s`).toBeLessThan(1);
    }
    expect(levelDb(audio, 0.96, 1)).toBeLessThan(full - 10); // faded out
    await expectTempDirsGone();
  });

  it("refuses an unreadable audio mix with 400 invalid_audio_mix", async () => {
    const seg = await segment({ frames: 4 }, await makeTestFrames(4, 320, 180, "jpeg"));
    const good = { source: 0, start: 0, end: 1, mediaStart: 0, rate: 1, volume: 1, loop: false, fadeIn: 0, fadeOut: 0 };
    for (const [mix, words] of [
      ["{not json", /not URI-encoded JSON/],
      [encodeURIComponent(JSON.stringify([{ ...good, source: 3 }])), /track 0: source/],
      [encodeURIComponent(JSON.stringify([{ ...good, rate: 50 }])), /track 0: rate/],
      [encodeURIComponent(JSON.stringify([{ ...good, end: 0 }])), /end must come after start/],
    ] as const) {
      const res = await fetch(finalizeUrl({ frames: 4, segments: 1 }), {
        method: "POST",
        body: framed([seg, Buffer.from("RIFF")]),
        headers: { "x-audio-mix": mix },
      });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("invalid_audio_mix");
      expect(error.message).toMatch(words);
    }
    await expectTempDirsGone();
  });

  it("reports frame-count mismatches with 422", async () => {
    const four = await makeTestFrames(4, 320, 180, "jpeg");
    const short = await post(segmentUrl({ frames: 5 }), four);
    expect(short.status).toBe(422);
    const error = await errorOf(short);
    expect(error.code).toBe("frame_count_mismatch");
    expect(error.message).toMatch(/expected 5 .*4/);

    const seg = await segment({ frames: 4 }, four);
    const joined = await post(finalizeUrl({ frames: 9 }), framed([seg, seg]));
    expect(joined.status).toBe(422);
    expect((await errorOf(joined)).code).toBe("frame_count_mismatch");
    await expectTempDirsGone();
  });

  it("refuses a truncated, empty or garbled body", async () => {
    const seg = await segment({ frames: 4 }, await makeTestFrames(4, 320, 180, "jpeg"));
    for (const body of [
      framed([seg]).subarray(0, 100), // the length says more than arrives
      framed([seg, seg]).subarray(0, 8 + seg.length + 4), // cut inside the second header
      Buffer.alloc(0), // no segments
    ]) {
      const res = await post(finalizeUrl({ frames: 4 }), body);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe("invalid_body");
    }

    const empty = await post(segmentUrl({ frames: 2 }), Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).code).toBe("invalid_body");

    // Not images: FFmpeg fails, and its own words are in the message.
    const garbage = await post(segmentUrl({ frames: 2 }), Buffer.from("not an image at all ".repeat(100)));
    expect(garbage.status).toBe(500);
    const error = await errorOf(garbage);
    expect(error.code).toBe("ffmpeg_failed");
    expect(error.message).toMatch(/ffmpeg exited with 1:\n./);

    // Segments that are not video: the join fails the same way.
    const notVideo = await post(finalizeUrl({ frames: 4 }), framed([Buffer.from("junk".repeat(100))]));
    expect(notVideo.status).toBe(500);
    expect((await errorOf(notVideo)).code).toBe("ffmpeg_failed");
    await expectTempDirsGone();
  });

  it("stops FFmpeg and removes the temp dir when the client goes away mid-upload", async () => {
    const frames = await makeTestFrames(10, 320, 180, "jpeg");
    for (const url of [segmentUrl({ frames: 100 }), finalizeUrl({ frames: 100 })]) {
      const controller = new AbortController();
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(c) {
          if (sent) return new Promise<void>(() => {}); // …and then nothing, until the client aborts
          sent = true;
          c.enqueue(url.includes("/finalize") ? framed([frames]).subarray(0, 5000) : frames);
        },
      });
      const pending = fetch(url, { method: "POST", body, duplex: "half", signal: controller.signal } as RequestInit);
      pending.catch(() => {}); // awaited below; no unhandled rejection if an expectation fails first
      await new Promise((r) => setTimeout(r, 300));
      expect((await fs.readdir(serverTmp)).length).toBe(1); // the request is in progress
      controller.abort();
      await expect(pending).rejects.toThrow();
      await expectTempDirsGone();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(serverLog.filter((l) => l.includes("aborted"))).toHaveLength(2);
  });

  it("logs one line per request and is still healthy after all of that", async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(serverLog.at(-1)).toMatch(/^GET \/healthz 200 \d+ms$/);
    expect(serverLog.filter((l) => /^(GET|POST|PUT) /.test(l)).length).toBeGreaterThan(20);
  });

  it("exits promptly and cleanly on SIGTERM", async () => {
    expect(server.exitCode).toBeNull();
    const started = Date.now();
    server.kill("SIGTERM");
    expect(await serverExit).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
