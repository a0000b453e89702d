// A local HTTP server standing in for a CDN that hosts a scene's media (loopback only; the
// local stack allows loopback URLs). Files are generated with FFmpeg by the tests.
import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".mp4": "video/mp4",
  ".wav": "audio/wav",
  ".m4a": "audio/mp4",
  ".srt": "text/plain; charset=utf-8",
  ".txt": "text/plain",
};

export interface MediaServer {
  url(name: string): string;
  dir: string;
  close(): Promise<void>;
}

export async function serveMedia(dir: string): Promise<MediaServer> {
  const server = http.createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
    if (name === "redirect-loop") {
      res.writeHead(302, { location: "/redirect-loop" }).end();
      return;
    }
    try {
      const body = await fs.readFile(path.join(dir, path.basename(name)));
      res.writeHead(200, { "content-type": TYPES[path.extname(name)] ?? "application/octet-stream", "content-length": body.length });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    dir,
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A still image of one colour, drawn in RGB: exact (lavfi's colour source would round it through YUV). */
export async function solidImage(file: string, color: string, width: number, height: number): Promise<void> {
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `color=c=${color}:s=${width}x${height},format=rgb24`, "-frames:v", "1", file]);
}

/** A video whose colour changes every second (colors[i] during second i), with a tone if `tone`. */
export async function steppedVideo(file: string, colors: string[], width: number, height: number, tone = false): Promise<void> {
  const inputs = colors.flatMap((c) => ["-f", "lavfi", "-i", `color=c=${c}:s=${width}x${height}:r=30:d=1`]);
  const concat = `${colors.map((_, i) => `[${i}:v]`).join("")}concat=n=${colors.length}:v=1:a=0[v]`;
  const audio = tone ? ["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${colors.length}`] : [];
  await run("ffmpeg", [
    "-v", "error", "-y", ...inputs, ...audio, "-filter_complex", concat, "-map", "[v]",
    ...(tone ? ["-map", `${colors.length}:a`, "-c:a", "aac"] : []),
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "1", file,
  ]);
}

/** A sine tone. */
export async function tone(file: string, seconds: number, frequency = 440): Promise<void> {
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`, file]);
}
