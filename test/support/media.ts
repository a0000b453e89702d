// What a user checks in a video file, measured with ffprobe/ffmpeg.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface VideoInfo {
  codec: string;
  width: number;
  height: number;
  pixFmt: string;
  /** Exact: every frame of the first video stream decoded and counted. */
  frameCount: number;
  /** Seconds: the container's duration, else the stream's. */
  duration: number;
  fps: number;
  colorSpace: string | null;
  colorRange: string | null;
  /** An alpha channel: a pixel format with alpha, or VP8/VP9 alpha in WebM (ALPHA_MODE=1). */
  hasAlpha: boolean;
  hasAudio: boolean;
  formatName: string;
}

type Stream = Record<string, unknown> & { tags?: Record<string, string> };

async function streams(file: string, extra: string[] = []): Promise<{ streams: Stream[]; format: Record<string, string> }> {
  const { stdout } = await run("ffprobe", ["-v", "error", ...extra, "-show_streams", "-show_format", "-of", "json", file], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

const known = (v: unknown) => (v === undefined || v === "unknown" ? null : String(v));

export async function probeVideo(file: string): Promise<VideoInfo> {
  const json = await streams(file, ["-count_frames"]);
  const video = json.streams.find((s) => s.codec_type === "video");
  if (!video) throw new Error(`${file} has no video stream`);
  const [num, den] = String(video.r_frame_rate ?? "0/1").split("/").map(Number);
  const pixFmt = String(video.pix_fmt);
  const tags = Object.fromEntries(Object.entries(video.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    codec: String(video.codec_name),
    width: Number(video.width),
    height: Number(video.height),
    pixFmt,
    frameCount: Number(video.nb_read_frames),
    duration: Number(json.format.duration ?? video.duration),
    fps: num! / (den || 1),
    colorSpace: known(video.color_space),
    colorRange: known(video.color_range),
    hasAlpha: /^(yuva|rgba|bgra|argb|abgr|gbrap|ya)/.test(pixFmt) || tags.alpha_mode === "1",
    hasAudio: json.streams.some((s) => s.codec_type === "audio"),
    formatName: String(json.format.format_name),
  };
}

/**
 * Input options that decode `file` faithfully to RGBA: libvpx for VP8/VP9 (FFmpeg's native
 * decoder drops the alpha plane) and, as FFmpeg 5.1's scaler ignores the stream's colour
 * tags, the stream's own YUV matrix and range for the conversion.
 */
async function decodeSetup(file: string): Promise<{ input: string[]; toRgba: string; width: number; height: number }> {
  const video = (await streams(file, ["-select_streams", "v:0"])).streams[0];
  if (!video) throw new Error(`${file} has no video stream`);
  const codec = String(video.codec_name);
  const input = codec === "vp9" ? ["-c:v", "libvpx-vp9"] : codec === "vp8" ? ["-c:v", "libvpx"] : [];
  const matrix = ({ bt709: "bt709", smpte170m: "bt601", bt470bg: "bt601", bt2020nc: "bt2020" } as Record<string, string>)[
    String(video.color_space)
  ];
  const range = ({ tv: "tv", pc: "pc" } as Record<string, string>)[String(video.color_range)];
  const opts = [matrix && `in_color_matrix=${matrix}`, range && `in_range=${range}`, "flags=accurate_rnd+full_chroma_int"].filter(Boolean).join(":");
  return {
    input,
    toRgba: opts ? `scale=${opts},format=rgba` : "format=rgba",
    width: Number(video.width),
    height: Number(video.height),
  };
}

/**
 * RGBA (0–255) of one pixel of the first frame whose timestamp is at or after `timeSec` (FFmpeg's
 * -ss after -i drops frames before it): not necessarily the frame shown at `timeSec` — at 10 fps,
 * 0.45 and 0.5 both read frame 5 (0.5 s). For a probe where the frame matters (mid-motion),
 * read by frame index with pixelOfFrame.
 */
export async function pixelAt(file: string, timeSec: number, x: number, y: number): Promise<number[]> {
  const { input, toRgba } = await decodeSetup(file);
  const { stdout } = await run(
    "ffmpeg",
    [
      "-v", "error", ...input, "-i", file, "-ss", String(timeSec), "-frames:v", "1",
      "-vf", `${toRgba},crop=1:1:${x}:${y}`, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1",
    ],
    { encoding: "buffer", maxBuffer: 1024 * 1024 },
  );
  const px = stdout as unknown as Buffer;
  if (px.length < 4) throw new Error(`no frame at ${timeSec}s in ${file}`);
  return [px[0]!, px[1]!, px[2]!, px[3]!];
}

export interface FrameDigest {
  /** md5 of the frame's RGBA bytes: equal only for bit-identical frames. */
  md5: string;
  /** Mean R, G, B, A (0–255): compare with a tolerance across encodes. */
  mean: [number, number, number, number];
}

/**
 * Every frame of `file`, decoded to RGBA, as a digest (one frame in memory at a time): compare
 * two renders frame by frame, count frames, or find where the colour changes.
 */
export async function decodeFrames(file: string): Promise<FrameDigest[]> {
  const { input, toRgba, width, height } = await decodeSetup(file);
  const frameSize = width * height * 4;
  const child = spawn("ffmpeg", ["-v", "error", ...input, "-i", file, "-vf", toRgba, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const digests: FrameDigest[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const digest = (frame: Buffer) => {
    const sums = [0, 0, 0, 0];
    for (let i = 0; i < frame.length; i += 4) {
      sums[0]! += frame[i]!;
      sums[1]! += frame[i + 1]!;
      sums[2]! += frame[i + 2]!;
      sums[3]! += frame[i + 3]!;
    }
    const pixels = frame.length / 4;
    digests.push({
      md5: createHash("md5").update(frame).digest("hex"),
      mean: sums.map((s) => Math.round((s / pixels) * 100) / 100) as FrameDigest["mean"],
    });
  };
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < frameSize) continue;
    let all = Buffer.concat(pending);
    while (all.length >= frameSize) {
      digest(all.subarray(0, frameSize));
      all = all.subarray(frameSize);
    }
    pending = all.length ? [Buffer.from(all)] : [];
    pendingBytes = all.length;
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("close", resolve)));
  if (code !== 0) throw new Error(`decoding ${file} failed: ${stderr.trim().slice(-2000)}`);
  if (pendingBytes) throw new Error(`decoding ${file}: ${pendingBytes} trailing bytes (not a whole frame)`);
  return digests;
}

/** One md5 per decoded frame in its native pixel format (FFmpeg's framemd5). */
export async function frameDigests(file: string): Promise<string[]> {
  const { input } = await decodeSetup(file);
  const { stdout } = await run("ffmpeg", ["-v", "error", ...input, "-i", file, "-f", "framemd5", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(",").at(-1)!.trim());
}

/** Frames as the capture sends them: JPEG (as Chromium makes: full-range BT.601 4:2:0), or
 *  lossless PNG or WebP. */
const FRAME_CODECS = {
  jpeg: ["-c:v", "mjpeg", "-q:v", "2"],
  png: ["-c:v", "png"],
  webp: ["-c:v", "libwebp", "-lossless", "1"],
} as const;

export interface TestFrameOptions {
  /** The colour (any FFmpeg colour: "red", "#00ff00"…) of frame i; default: first half red, then blue. */
  colourAt?: (i: number) => string;
  /** PNG or WebP: the left half of every frame is fully transparent (alpha 0), the right half opaque. */
  transparentLeft?: boolean;
}

/**
 * n concatenated JPEG or PNG images of width × height, each a solid colour (by default the
 * first half red, the second half blue), ready to stream to POST /segments.
 */
export async function makeTestFrames(
  n: number,
  width: number,
  height: number,
  kind: "jpeg" | "png" | "webp",
  options: TestFrameOptions = {},
): Promise<Buffer> {
  if (options.transparentLeft && kind === "jpeg") throw new Error("transparency needs PNG or WebP frames");
  const colourAt = options.colourAt ?? ((i: number) => (i < Math.floor(n / 2) ? "red" : "blue"));
  // Runs of the same colour: one FFmpeg call per run.
  const runs: { colour: string; count: number }[] = [];
  for (let i = 0; i < n; i++) {
    const colour = colourAt(i);
    const last = runs.at(-1);
    if (last?.colour === colour) last.count++;
    else runs.push({ colour, count: 1 });
  }
  // Colours are made in RGB (lavfi's colour source otherwise rounds them through YUV); JPEG
  // frames are then converted as Chromium's encoder does: exact full-range BT.601.
  const alpha = options.transparentLeft ? ",format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,W/2),0,255)'" : ",format=rgb24";
  const toJpeg = kind === "jpeg" ? ",scale=out_color_matrix=bt601:out_range=pc:flags=accurate_rnd+full_chroma_int,format=yuvj420p" : "";
  const parts: Buffer[] = [];
  for (const { colour, count } of runs) {
    const { stdout } = await run(
      "ffmpeg",
      [
        "-v", "error", "-f", "lavfi", "-i", `color=c=${colour}:s=${width}x${height}:r=1${alpha}${toJpeg}`, "-frames:v", String(count),
        ...FRAME_CODECS[kind], "-f", "image2pipe", "pipe:1",
      ],
      { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
    );
    parts.push(stdout as unknown as Buffer);
  }
  return Buffer.concat(parts);
}

/**
 * Per-frame PSNR (dB) between two videos of the same size, over their R, G and B planes: each
 * video is first decoded to RGB with its own matrix and range (two videos may carry the same
 * colours in different YUV spaces), then compared by FFmpeg's psnr filter.
 */
export async function framePsnr(a: string, b: string): Promise<number[]> {
  const [sa, sb] = await Promise.all([decodeSetup(a), decodeSetup(b)]);
  const toRgb = (rgba: string) => rgba.replace(/format=rgba$/, "format=gbrp");
  const graph = `[0:v]${toRgb(sa.toRgba)}[a];[1:v]${toRgb(sb.toRgba)}[b];[a][b]psnr=stats_file=-`;
  const { stdout } = await run("ffmpeg", ["-v", "error", ...sa.input, "-i", a, ...sb.input, "-i", b, "-lavfi", graph, "-f", "null", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split("\n")
    .filter((l) => l.includes("psnr_avg:"))
    .map((l) => {
      const value = /psnr_avg:(\S+)/.exec(l)![1]!;
      return value === "inf" ? Infinity : Number(value);
    });
}

/** Min and mean of per-frame PSNR values (dB); identical frames (infinite PSNR) count as 100 dB. */
export function psnrStats(values: number[]): { min: number; mean: number } {
  const capped = values.map((v) => (Number.isFinite(v) ? v : 100));
  return { min: Math.min(...capped), mean: capped.reduce((a, b) => a + b, 0) / capped.length };
}

/** RGBA of pixel (x, y) in every frame, in order (one decode of the whole file). */
export async function pixelEveryFrame(file: string, x: number, y: number): Promise<number[][]> {
  const { input, toRgba } = await decodeSetup(file);
  const { stdout } = await run(
    "ffmpeg",
    ["-v", "error", ...input, "-i", file, "-vf", `${toRgba},crop=1:1:${x}:${y}`, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"],
    { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
  );
  const px = stdout as unknown as Buffer;
  const out: number[][] = [];
  for (let i = 0; i + 4 <= px.length; i += 4) out.push([px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!]);
  return out;
}

/**
 * RGBA of pixel (x, y) in frame k (0-based, in decode order: the composition at k / fps):
 * every frame is decoded and counted, so no seek rounding decides which frame is read (for
 * probes mid-motion).
 */
export async function pixelOfFrame(file: string, k: number, x: number, y: number): Promise<number[]> {
  const frames = await pixelEveryFrame(file, x, y);
  if (!frames[k]) throw new Error(`${file} has no frame ${k} (${frames.length} frames)`);
  return frames[k]!;
}

export interface RgbaFrame {
  width: number;
  height: number;
  data: Buffer;
  at(x: number, y: number): number[];
}

function rgbaFrame(data: Buffer, width: number, height: number): RgbaFrame {
  return { width, height, data, at: (x, y) => Array.from(data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)) };
}

/** The first frame at or after `timeSec` (as pixelAt picks it), whole, decoded to RGBA as
 *  pixelAt decodes it. */
export async function frameAtTime(file: string, timeSec: number): Promise<RgbaFrame> {
  const { input, toRgba, width, height } = await decodeSetup(file);
  const { stdout } = await run(
    "ffmpeg",
    ["-v", "error", ...input, "-i", file, "-ss", String(timeSec), "-frames:v", "1", "-vf", toRgba, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"],
    { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
  );
  const data = stdout as unknown as Buffer;
  if (data.length < width * height * 4) throw new Error(`no frame at ${timeSec}s in ${file}`);
  return rgbaFrame(data, width, height);
}

/** Frame k (0-based, in decode order) of `file`, decoded to RGBA as pixelAt decodes it. */
export async function frameRgba(file: string, k: number): Promise<RgbaFrame> {
  const { input, toRgba, width, height } = await decodeSetup(file);
  const { stdout } = await run(
    "ffmpeg",
    ["-v", "error", ...input, "-i", file, "-vf", `select=eq(n\\,${k}),${toRgba}`, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"],
    { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
  );
  const data = stdout as unknown as Buffer;
  if (data.length < width * height * 4) throw new Error(`${file} has no frame ${k}`);
  return rgbaFrame(data, width, height);
}

export interface DecodedAudio {
  codec: string;
  channels: number;
  /** Interleaved samples at 48 kHz, every channel, as players hear them (encoder delay removed). */
  samples: Float32Array;
  /** Seconds of decoded audio. */
  duration: number;
}

const AUDIO_RATE = 48_000;

/** Decodes the first audio stream of `file`; throws if there is none. */
export async function decodeAudio(file: string): Promise<DecodedAudio> {
  const audio = (await streams(file, ["-select_streams", "a:0"])).streams[0];
  if (!audio) throw new Error(`${file} has no audio stream`);
  const channels = Number(audio.channels);
  const { stdout } = await run(
    "ffmpeg",
    ["-v", "error", "-i", file, "-map", "0:a:0", "-ar", String(AUDIO_RATE), "-f", "f32le", "pipe:1"],
    { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
  );
  const buf = stdout as unknown as Buffer;
  const samples = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length - (buf.length % 4)));
  return { codec: String(audio.codec_name), channels, samples, duration: samples.length / channels / AUDIO_RATE };
}

/**
 * RMS level in dBFS between two times, over all channels (as FFmpeg's volumedetect reports
 * it; no downmix, which would change the level); −Infinity for digital silence.
 */
export function levelDb(audio: DecodedAudio, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from * AUDIO_RATE)) * audio.channels;
  const b = Math.min(audio.samples.length, Math.floor(to * AUDIO_RATE) * audio.channels);
  let sum = 0;
  for (let i = a; i < b; i++) sum += audio.samples[i]! ** 2;
  return 10 * Math.log10(sum / Math.max(1, b - a));
}

/**
 * Asserts a decoded pixel is the authored colour, channel by channel, within `tolerance`
 * levels (2 at most: the colour conversion is exact to one level, and this is how the tests
 * say so).
 */
export function expectColour(actual: number[], expected: number[], what = "", tolerance = 2): void {
  if (tolerance > 2) throw new Error("colour probes assert authored values within 2 levels, not wider");
  // A computed value (a blend at some progress) is authored as the 8-bit level it rounds to:
  // that is the best any 8-bit picture can show.
  const authored = expected.slice(0, 3).map(Math.round);
  const off = Math.max(...authored.map((v, i) => Math.abs(actual[i]! - v)));
  if (off > tolerance) {
    throw new Error(`${what ? `${what}: ` : ""}colour ${actual.slice(0, 3).join(",")} is ${off} levels from the authored ${authored.join(",")} (tolerance ${tolerance})`);
  }
}
