// Running ffmpeg/ffprobe: stdin streaming, a readable error on failure, kill on abort.
import { spawn, type ChildProcess } from "node:child_process";

export class FfmpegError extends Error {}

export interface Running {
  child: ChildProcess;
  done: Promise<void>;
}

/** Starts a command; `done` rejects with the tail of stderr if it exits non-zero. */
export function start(command: string, args: string[]): Running {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  child.stdout!.resume();
  // A closed stdin (ffmpeg quit early) must not crash the server.
  child.stdin!.on("error", () => {});
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", (err) => reject(new FfmpegError(`${command} could not start: ${err.message}`)));
    child.once("close", (code, signal) => {
      if (code === 0) return resolve();
      const tail = stderr.trim().split("\n").slice(-20).join("\n");
      reject(new FfmpegError(`${command} exited with ${signal ?? code}: ${tail}`));
    });
  });
  return { child, done };
}

/** Runs a command to completion and returns its stdout. */
export async function output(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new FfmpegError(`${command} failed: ${err.trim().slice(-2000)}`);
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
