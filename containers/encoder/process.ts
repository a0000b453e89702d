// Running ffmpeg/ffprobe: stdin streaming, a readable error on failure, kill on abort.
import { spawn, type ChildProcess } from "node:child_process";

export class FfmpegError extends Error {}

export interface Running {
  child: ChildProcess;
  done: Promise<void>;
}

/** Every child still running, so that shutdown can stop them all. */
const running = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}

function track(child: ChildProcess): void {
  running.add(child);
  child.once("close", () => running.delete(child));
  child.once("error", () => running.delete(child));
}

/** The last `n` non-empty lines of a log. */
function tail(text: string, n = 20): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

/** Starts a command; `done` rejects with the last 20 lines of stderr if it exits non-zero. */
export function start(command: string, args: string[]): Running {
  const child = spawn(command, args, { stdio: ["pipe", "ignore", "pipe"] });
  track(child);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-16_000);
  });
  // A closed stdin (ffmpeg quit early, or was killed) must not crash the server.
  child.stdin!.on("error", () => {});
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", (err) => reject(new FfmpegError(`${command} could not start: ${err.message}`)));
    child.once("close", (code, signal) => {
      if (code === 0) return resolve();
      reject(new FfmpegError(`${command} exited with ${signal ?? code}:\n${tail(stderr)}`));
    });
  });
  return { child, done };
}

/** Runs a command to completion and returns its stdout. */
export async function output(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  track(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-16_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (e) => reject(new FfmpegError(`${command} could not start: ${e.message}`)));
    child.once("close", resolve);
  });
  if (code !== 0) throw new FfmpegError(`${command} failed:\n${tail(err)}`);
  return out;
}

export interface MediaFacts {
  frames: number;
  duration: number;
}

/** Exact video frame count (packets of the first video stream) and container duration. */
export async function probe(file: string): Promise<MediaFacts> {
  const text = await output("ffprobe", [
    "-v", "error", "-select_streams", "v:0", "-count_packets",
    "-show_entries", "stream=nb_read_packets:format=duration", "-of", "json", file,
  ]);
  const json = JSON.parse(text) as { streams?: { nb_read_packets?: string }[]; format?: { duration?: string } };
  return { frames: Number(json.streams?.[0]?.nb_read_packets ?? 0), duration: Number(json.format?.duration ?? 0) };
}

/** Whether a file has an audio stream FFmpeg can read (false for anything unreadable), and its length. */
export async function audioFacts(
  file: string,
): Promise<{ hasAudio: boolean; duration: number | null; channels: number | null }> {
  try {
    const text = await output("ffprobe", [
      "-v", "error", "-select_streams", "a", "-show_entries", "stream=channels:format=duration", "-of", "json", file,
    ]);
    const json = JSON.parse(text) as { streams?: { channels?: number }[]; format?: { duration?: string } };
    const duration = Number(json.format?.duration);
    const channels = Number(json.streams?.[0]?.channels);
    return {
      hasAudio: (json.streams?.length ?? 0) > 0,
      duration: Number.isFinite(duration) && duration > 0 ? duration : null,
      channels: Number.isInteger(channels) && channels > 0 ? channels : null,
    };
  } catch {
    return { hasAudio: false, duration: null, channels: null };
  }
}

export interface MediaProbe {
  /** FFmpeg's format names, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "png_pipe", "mp3". */
  format: string;
  duration: number | null;
  video: { codec: string; width: number; height: number } | null;
  hasAudio: boolean;
}

/** What a media file is, or null when FFmpeg cannot read it as media at all. */
export async function mediaProbe(file: string): Promise<MediaProbe | null> {
  let text: string;
  try {
    text = await output("ffprobe", [
      "-v", "error", "-show_entries",
      "stream=codec_type,codec_name,width,height:format=format_name,duration", "-of", "json", file,
    ]);
  } catch {
    return null;
  }
  const json = JSON.parse(text) as {
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
    format?: { format_name?: string; duration?: string };
  };
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && s.width && s.height);
  const duration = Number(json.format?.duration);
  if (!streams.length) return null;
  return {
    format: json.format?.format_name ?? "",
    duration: Number.isFinite(duration) && duration > 0 ? duration : null,
    video: video ? { codec: video.codec_name ?? "", width: video.width!, height: video.height! } : null,
    hasAudio: streams.some((s) => s.codec_type === "audio"),
  };
}
