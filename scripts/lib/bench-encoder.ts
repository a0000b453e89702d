// The encoder alone, for `npm run bench`: the encoder server (containers/encoder) gets one
// segment of JPEG frames streamed to it; its FFmpeg's CPU and peak memory (VmHWM) are read from
// /proc while it runs. Run for 10 s and 60 s of video, this shows whether memory grows with
// the length of a segment.
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./paths.ts";
import { processCpuMs, processPeakRssKb } from "./proc.ts";

const run = promisify(execFile);

export interface EncoderRun {
  seconds: number;
  frames: number;
  wallMs: number;
  /** CPU of the encoder's FFmpeg, ms in all. */
  cpuMs: number;
  peakRssKb: number;
}

/** JPEG frames (as the capture makes them) of `video`, each as its own buffer. */
async function jpegFrames(video: string): Promise<Buffer[]> {
  const { stdout } = await run("ffmpeg", ["-v", "error", "-i", video, "-q:v", "2", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1"], {
    encoding: "buffer",
    maxBuffer: 4 * 1024 * 1024 * 1024,
  });
  const all = stdout as unknown as Buffer;
  const starts: number[] = [];
  for (let i = 0; i < all.length - 2; i++) if (all[i] === 0xff && all[i + 1] === 0xd8 && all[i + 2] === 0xff) starts.push(i);
  return starts.map((start, i) => all.subarray(start, starts[i + 1] ?? all.length));
}

async function ffmpegChildren(parent: number): Promise<number[]> {
  const { stdout } = await run("pgrep", ["-P", String(parent), "ffmpeg"]).catch(() => ({ stdout: "" }));
  return stdout.split("\n").filter(Boolean).map(Number);
}

async function procFigures(pid: number): Promise<{ cpuMs: number; hwmKb: number } | null> {
  const [cpuMs, hwmKb] = await Promise.all([processCpuMs(pid), processPeakRssKb(pid)]);
  return cpuMs === null ? null : { cpuMs, hwmKb: hwmKb ?? 0 };
}

/** Encodes `seconds` of video (the frames of `video`, repeated as needed) as one segment. */
export async function measureEncoder(video: string, seconds: number, fps: number, work: string): Promise<EncoderRun> {
  const frames = await jpegFrames(video);
  const count = seconds * fps;
  const server = spawn(process.execPath, [path.join(projectRoot, "containers/encoder/server.ts")], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", TMPDIR: work },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      server.once("exit", (code) => reject(new Error(`encoder exited with ${code}`)));
      let out = "";
      server.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const match = /encoder listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
    });
    // Streamed, as the capture streams: the body never exists in one piece.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const i = (this as { i?: number }).i ?? 0;
        if (i >= count) return controller.close();
        controller.enqueue(new Uint8Array(frames[i % frames.length]!));
        (this as { i?: number }).i = i + 1;
      },
    });
    const figures = new Map<number, { cpuMs: number; hwmKb: number }>();
    const sampler = setInterval(async () => {
      for (const pid of await ffmpegChildren(server.pid!)) {
        const f = await procFigures(pid);
        // The largest reading: a process already exiting reports no memory any more.
        const seen = figures.get(pid);
        if (f) figures.set(pid, { cpuMs: Math.max(f.cpuMs, seen?.cpuMs ?? 0), hwmKb: Math.max(f.hwmKb, seen?.hwmKb ?? 0) });
      }
    }, 100);
    const q = new URLSearchParams({ fps: String(fps), quality: "standard", format: "mp4", width: "1920", height: "1080", frames: String(count), input: "jpeg" });
    const started = performance.now();
    const res = await fetch(`${origin}/segments?${q}`, { method: "POST", body, duplex: "half" } as RequestInit);
    await res.arrayBuffer();
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    if (!res.ok) throw new Error(`encoder alone failed: ${res.status}`);
    const all = [...figures.values()];
    return {
      seconds,
      frames: count,
      wallMs,
      cpuMs: all.reduce((a, f) => a + f.cpuMs, 0),
      peakRssKb: Math.max(0, ...all.map((f) => f.hwmKb)),
    };
  } finally {
    server.kill("SIGTERM");
  }
}
