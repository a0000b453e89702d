// The encoder server on its own: real FFmpeg, frames streamed in, files checked with ffprobe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeTestFrames, pixelAt, probeVideo } from "../support/media.ts";

let server: ChildProcess;
let origin: string;
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "encoder-test-"));
  server = spawn(process.execPath, [path.resolve("containers/encoder/server.ts")], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  origin = await new Promise<string>((resolve, reject) => {
    server.once("exit", (code) => reject(new Error(`encoder exited with ${code}`)));
    server.stdout!.on("data", (d: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(d.toString());
      if (match) resolve(match[1]!);
    });
  });
});

afterAll(async () => {
  server?.kill("SIGTERM");
  await fs.rm(tmp, { recursive: true, force: true });
});

interface SegmentQuery {
  fps?: number;
  quality?: string;
  format?: string;
  width?: number;
  height?: number;
  frames: number;
  input?: string;
}

function segmentUrl(q: SegmentQuery): string {
  const params = { fps: 30, quality: "draft", format: "mp4", width: 320, height: 180, input: "jpeg", ...q };
  return `${origin}/segments?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;
}

/** Streams `body` in small pieces, as the capture loop does. */
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

async function post(url: string, body: Buffer) {
  return fetch(url, { method: "POST", body: streamed(body), duplex: "half" } as RequestInit);
}

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
  const file = path.join(tmp, name);
  await fs.writeFile(file, new Uint8Array(await res.arrayBuffer()));
  return file;
}

function near(actual: number[], expected: number[], tolerance = 40) {
  expect(actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance), `${actual} ≈ ${expected}`).toBe(true);
}

describe("encoder server", () => {
  it("encodes a streamed segment and joins segments by stream copy, frame-exact", async () => {
    const red = await makeTestFrames(15, 320, 180, "jpeg"); // 7 red + 8 blue
    const segA = await post(segmentUrl({ frames: 15 }), red);
    expect(segA.status).toBe(200);
    expect(segA.headers.get("x-frame-count")).toBe("15");
    const a = Buffer.from(await segA.arrayBuffer());
    expect(Number(segA.headers.get("content-length"))).toBe(a.length);
    const segB = await post(segmentUrl({ frames: 15 }), red);
    const b = Buffer.from(await segB.arrayBuffer());

    const res = await post(`${origin}/finalize?format=mp4&fps=30&frames=30`, framed([a, b]));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("x-frame-count")).toBe("30");
    const file = await save("joined.mp4", res);
    const info = await probeVideo(file);
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180, pixFmt: "yuv420p", frameCount: 30, colorSpace: "bt709" });
    expect(info.duration).toBeCloseTo(1, 3);
    // Each segment: frames 0–6 red, 7–14 blue; the second segment starts red again at 0.5 s.
    near((await pixelAt(file, 0.1, 160, 90)).slice(0, 3), [255, 0, 0]);
    near((await pixelAt(file, 0.4, 160, 90)).slice(0, 3), [0, 0, 255]);
    near((await pixelAt(file, 0.6, 160, 90)).slice(0, 3), [255, 0, 0]);
    near((await pixelAt(file, 0.95, 160, 90)).slice(0, 3), [0, 0, 255]);
  });

  it.each([
    ["webm", "vp9"],
    ["mov", "prores"],
  ])("encodes and joins %s segments (%s)", async (format, codec) => {
    const frames = await makeTestFrames(6, 320, 180, "png");
    const seg = await post(segmentUrl({ frames: 6, format, input: "png" }), frames);
    expect(seg.status).toBe(200);
    const res = await post(`${origin}/finalize?format=${format}&fps=30&frames=6`, framed([Buffer.from(await seg.arrayBuffer())]));
    expect(res.status).toBe(200);
    const info = await probeVideo(await save(`alpha.${format}`, res));
    expect(info.codec).toBe(codec);
    expect(info.frameCount).toBe(6);
  });

  it("refuses bad parameters, naming them", async () => {
    for (const [query, param] of [
      [{ frames: 5, fps: 0 }, "fps"],
      [{ frames: 5, fps: 241 }, "fps"],
      [{ frames: 5, width: 321 }, "width"],
      [{ frames: 5, format: "gif" }, "format"],
      [{ frames: 0 }, "frames"],
    ] as const) {
      const res = await post(segmentUrl(query), Buffer.alloc(0));
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("invalid_parameter");
      expect(error.message).toContain(param);
    }
  });

  it("reports a frame-count mismatch, a truncated or empty segment stream, and keeps serving", async () => {
    const frames = await makeTestFrames(4, 320, 180, "jpeg");
    const short = await post(segmentUrl({ frames: 5 }), frames);
    expect(short.status).toBe(422);
    expect(((await short.json()) as { error: { code: string } }).error.code).toBe("frame_count_mismatch");

    const seg = Buffer.from(await (await post(segmentUrl({ frames: 4 }), frames)).arrayBuffer());
    const truncated = framed([seg]).subarray(0, 100);
    const res = await post(`${origin}/finalize?format=mp4&fps=30&frames=4`, truncated);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
    const empty = await post(`${origin}/finalize?format=mp4&fps=30&frames=4`, Buffer.alloc(0));
    expect(empty.status).toBe(400);

    const garbage = await post(segmentUrl({ frames: 2 }), Buffer.from("not an image at all"));
    expect(garbage.status).toBeGreaterThanOrEqual(400);

    const health = await fetch(`${origin}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { ffmpeg: string }).ffmpeg).toMatch(/^ffmpeg version/);
  });
});
