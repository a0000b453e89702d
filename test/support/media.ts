// What a user checks in a video file, measured with ffprobe/ffmpeg.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface VideoInfo {
  codec: string;
  width: number;
  height: number;
  pixFmt: string;
  frameCount: number;
  duration: number;
  fps: number;
  colorSpace: string | null;
  hasAudio: boolean;
  formatName: string;
}

export async function probeVideo(file: string): Promise<VideoInfo> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", file], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const json = JSON.parse(stdout) as {
    streams: Record<string, string | number | undefined>[];
    format: { duration?: string; format_name: string };
  };
  const video = json.streams.find((s) => s.codec_type === "video");
  if (!video) throw new Error(`${file} has no video stream`);
  const [num, den] = String(video.r_frame_rate ?? "0/1").split("/").map(Number);
  return {
    codec: String(video.codec_name),
    width: Number(video.width),
    height: Number(video.height),
    pixFmt: String(video.pix_fmt),
    frameCount: Number(video.nb_read_frames),
    duration: Number(json.format.duration ?? video.duration),
    fps: num! / (den || 1),
    colorSpace: video.color_space ? String(video.color_space) : null,
    hasAudio: json.streams.some((s) => s.codec_type === "audio"),
    formatName: json.format.format_name,
  };
}

/** Decoders that keep alpha (ffmpeg's native VP9 decoder drops it). */
function decoderArgs(file: string): string[] {
  return file.endsWith(".webm") ? ["-c:v", "libvpx-vp9"] : [];
}

/** RGBA of one pixel of the frame shown at `timeSec`. */
export async function pixelAt(file: string, timeSec: number, x: number, y: number): Promise<number[]> {
  const { stdout } = await run(
    "ffmpeg",
    [
      "-v", "error", ...decoderArgs(file), "-i", file, "-ss", String(timeSec), "-frames:v", "1",
      "-vf", `format=rgba,crop=1:1:${x}:${y}`, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1",
    ],
    { encoding: "buffer", maxBuffer: 1024 * 1024 },
  );
  const px = stdout as unknown as Buffer;
  if (px.length < 4) throw new Error(`no frame at ${timeSec}s in ${file}`);
  return [px[0]!, px[1]!, px[2]!, px[3]!];
}

/** One md5 per decoded frame, for comparing two renders frame by frame. */
export async function frameDigests(file: string): Promise<string[]> {
  const { stdout } = await run("ffmpeg", ["-v", "error", ...decoderArgs(file), "-i", file, "-f", "framemd5", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(",").at(-1)!.trim());
}

/** n concatenated images: the first half red, the second half blue. */
export async function makeTestFrames(n: number, width: number, height: number, kind: "jpeg" | "png"): Promise<Buffer> {
  const half = Math.floor(n / 2);
  const parts: Buffer[] = [];
  for (const [colour, count] of [["red", half], ["blue", n - half]] as const) {
    if (!count) continue;
    const { stdout } = await run(
      "ffmpeg",
      [
        "-v", "error", "-f", "lavfi", "-i", `color=c=${colour}:s=${width}x${height}:r=1`, "-frames:v", String(count),
        "-c:v", kind === "png" ? "png" : "mjpeg", ...(kind === "jpeg" ? ["-q:v", "2"] : []), "-f", "image2pipe", "pipe:1",
      ],
      { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
    );
    parts.push(stdout as unknown as Buffer);
  }
  return Buffer.concat(parts);
}

/** Per-frame PSNR (dB) between two videos of the same size, via FFmpeg's psnr filter. */
export async function framePsnr(a: string, b: string): Promise<number[]> {
  const { stdout } = await run("ffmpeg", ["-v", "error", "-i", a, "-i", b, "-lavfi", "psnr=stats_file=-", "-f", "null", "-"], {
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
