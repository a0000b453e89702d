// The encoder: a small HTTP server around FFmpeg. Runs inside the Cloudflare Container and,
// locally, as a plain process behind the same Container class.
//   GET  /healthz    → {ok, ffmpeg}
//   POST /segments   → body: concatenated JPEG/PNG frames; answers one closed-GOP segment
//   POST /finalize   → body: [u64 BE length][segment]…; answers the joined video (stream copy)
import http from "node:http";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { concatArgs, segmentArgs, CONTENT_TYPES, SEGMENT_CONTAINERS, type Format, type SegmentSpec } from "./ffmpeg-args.ts";
import { FfmpegError, output, probe, start } from "./process.ts";

class HttpError extends Error {
  status: number;
  code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const FORMATS = ["mp4", "webm", "mov"];

function intParam(q: URLSearchParams, name: string, min: number, max: number): number {
  const raw = q.get(name);
  const value = Number(raw);
  if (raw === null || !Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(400, "invalid_parameter", `${name} must be an integer from ${min} to ${max} (got ${raw})`);
  }
  return value;
}

function enumParam<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[]): T {
  const raw = q.get(name);
  if (!allowed.includes(raw as T)) {
    throw new HttpError(400, "invalid_parameter", `${name} must be one of ${allowed.join(", ")} (got ${raw})`);
  }
  return raw as T;
}

function evenParam(q: URLSearchParams, name: string): number {
  const value = intParam(q, name, 2, 16384);
  if (value % 2) throw new HttpError(400, "invalid_parameter", `${name} must be even (got ${value})`);
  return value;
}

function segmentSpec(q: URLSearchParams): SegmentSpec {
  return {
    fps: intParam(q, "fps", 1, 240),
    quality: enumParam(q, "quality", ["draft", "standard", "high"] as const),
    format: enumParam(q, "format", FORMATS as Format[]),
    width: evenParam(q, "width"),
    height: evenParam(q, "height"),
    frames: intParam(q, "frames", 1, 10_000_000),
    input: enumParam(q, "input", ["jpeg", "png"] as const),
  };
}

/** Sends a file as the response with an exact Content-Length. */
async function sendFile(res: http.ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  const { size } = await fsp.stat(file);
  res.writeHead(200, { ...headers, "content-length": String(size) });
  const stream = fs.createReadStream(file);
  stream.pipe(res);
  await once(stream, "close");
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "encoder-"));
  try {
    return await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Kills the child when the client goes away before the response is complete. */
function killOnAbort(req: http.IncomingMessage, res: http.ServerResponse, kill: () => void): void {
  res.on("close", () => {
    if (!res.writableFinished) kill();
  });
  req.on("aborted", kill);
}

async function encodeSegment(req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams) {
  const spec = segmentSpec(q);
  await withTempDir(async (dir) => {
    const out = path.join(dir, "segment");
    const ffmpeg = start("ffmpeg", segmentArgs(spec, out));
    killOnAbort(req, res, () => ffmpeg.child.kill("SIGKILL"));
    req.pipe(ffmpeg.child.stdin!);
    await ffmpeg.done;
    const facts = await probe(out);
    if (facts.frames !== spec.frames) {
      throw new HttpError(422, "frame_count_mismatch", `expected ${spec.frames} frames, encoded ${facts.frames}`);
    }
    await sendFile(res, out, {
      "content-type": SEGMENT_CONTAINERS[spec.format].contentType,
      "x-frame-count": String(facts.frames),
    });
  });
}

/** Splits a body of [u64 BE length][bytes]… into files, streaming. Returns their paths. */
async function receiveSegments(req: http.IncomingMessage, dir: string): Promise<string[]> {
  const files: string[] = [];
  let header = Buffer.alloc(0);
  let remaining = 0;
  let current: fs.WriteStream | null = null;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    let buf = chunk;
    while (buf.length) {
      if (!current) {
        const need = 8 - header.length;
        header = Buffer.concat([header, buf.subarray(0, need)]);
        buf = buf.subarray(need);
        if (header.length < 8) break;
        remaining = Number(header.readBigUInt64BE(0));
        header = Buffer.alloc(0);
        const file = path.join(dir, `seg${String(files.length).padStart(5, "0")}`);
        files.push(file);
        current = fs.createWriteStream(file);
      }
      const part = buf.subarray(0, remaining);
      buf = buf.subarray(part.length);
      remaining -= part.length;
      if (!current.write(part)) await once(current, "drain");
      if (remaining === 0) {
        current.end();
        await once(current, "close");
        current = null;
      }
    }
  }
  if (current || header.length) {
    current?.destroy();
    throw new HttpError(400, "invalid_body", "segment stream ended in the middle of a segment");
  }
  if (!files.length) throw new HttpError(400, "invalid_body", "no segments were sent");
  return files;
}

async function finalize(req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams) {
  const format = enumParam(q, "format", FORMATS as Format[]);
  intParam(q, "fps", 1, 240);
  const frames = intParam(q, "frames", 1, 10_000_000);
  await withTempDir(async (dir) => {
    const segments = await receiveSegments(req, dir);
    const list = path.join(dir, "segments.txt");
    await fsp.writeFile(list, segments.map((f) => `file '${f}'`).join("\n") + "\n");
    const out = path.join(dir, `output.${format}`);
    const ffmpeg = start("ffmpeg", concatArgs(format, list, out));
    killOnAbort(req, res, () => ffmpeg.child.kill("SIGKILL"));
    ffmpeg.child.stdin!.end();
    await ffmpeg.done;
    // (The audio mix will be a step here, between the join and the answer.)
    const facts = await probe(out);
    if (facts.frames !== frames) {
      throw new HttpError(422, "frame_count_mismatch", `expected ${frames} frames, the joined video has ${facts.frames}`);
    }
    await sendFile(res, out, {
      "content-type": CONTENT_TYPES[format],
      "x-frame-count": String(facts.frames),
      "x-duration": String(facts.duration),
    });
  });
}

function sendError(res: http.ServerResponse, err: unknown): void {
  const e =
    err instanceof HttpError
      ? err
      : new HttpError(500, err instanceof FfmpegError ? "ffmpeg_failed" : "internal_error", (err as Error).message);
  if (res.headersSent) {
    res.destroy(e);
    return;
  }
  res.writeHead(e.status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code: e.code, message: e.message } }));
}

let ffmpegVersion = "";

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://encoder");
  const started = Date.now();
  res.on("finish", () => console.log(`${req.method} ${url.pathname} ${res.statusCode} ${Date.now() - started}ms`));
  try {
    if (req.method === "GET" && url.pathname === "/healthz") {
      ffmpegVersion ||= (await output("ffmpeg", ["-hide_banner", "-version"])).split("\n")[0] ?? "";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, ffmpeg: ffmpegVersion }));
    } else if (req.method === "POST" && url.pathname === "/segments") {
      await encodeSegment(req, res, url.searchParams);
    } else if (req.method === "POST" && url.pathname === "/finalize") {
      await finalize(req, res, url.searchParams);
    } else {
      req.resume();
      throw new HttpError(404, "not_found", `no route for ${req.method} ${url.pathname}`);
    }
  } catch (err) {
    req.resume();
    sendError(res, err);
  }
});

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "0.0.0.0";
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  console.log(`encoder listening on http://${host}:${actual}`);
});
// Stop at once: idle keep-alive connections would otherwise hold server.close() open.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
