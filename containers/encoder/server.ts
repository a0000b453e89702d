// The encoder: a small HTTP server around FFmpeg. Runs inside the Cloudflare Container and,
// locally, as a plain process behind the same Container class.
//   GET  /healthz    → {ok, ffmpeg}
//   POST /segments   → body: concatenated JPEG/PNG frames; answers one closed-GOP Matroska segment
//   POST /probe      → body: one media file; answers what it is (format, duration, video size,
//                      audio) as JSON, or 422 when it is not media FFmpeg can read
//   POST /finalize   → body: [u64 BE length][segment]… then [u64 BE length][audio source]…;
//                      answers the joined video (stream copy) with the audio mix of
//                      `x-audio-mix` (URI-encoded JSON, see audio-mix.ts)
// Errors: {"error":{"code","message"}}, 4xx for bad requests, 5xx when FFmpeg fails.
import http from "node:http";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import {
  concatArgs,
  concatList,
  segmentArgs,
  encoderOptionsFrom,
  CONTENT_TYPES,
  FORMATS,
  INPUTS,
  QUALITIES,
  SEGMENT_CONTENT_TYPE,
  SEGMENT_EXTENSION,
  type FinalizeAudio,
  type FinalizeSpec,
  type SegmentSpec,
} from "./ffmpeg-args.ts";
import { audioFacts, FfmpegError, killAll, mediaProbe, output, probe, start, type Running } from "./process.ts";
import { AudioMixError, parseAudioTracks, type AudioTrack } from "./audio-mix.ts";

class HttpError extends Error {
  status: number;
  code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const MAX_FRAMES = 10_000_000;
/** X264_STANDARD (ffmpeg-args.ts): how `standard` mp4 is encoded; read once at start. */
const ENCODER_OPTIONS = encoderOptionsFrom(process.env);

// ---------------------------------------------------------------------------------------------
// Parameters

function intParam(q: URLSearchParams, name: string, min: number, max: number): number {
  const raw = q.get(name);
  const value = Number(raw);
  if (raw === null || raw.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
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
    quality: enumParam(q, "quality", QUALITIES),
    format: enumParam(q, "format", FORMATS),
    width: evenParam(q, "width"),
    height: evenParam(q, "height"),
    frames: intParam(q, "frames", 1, MAX_FRAMES),
    input: enumParam(q, "input", INPUTS),
  };
}

function finalizeSpec(q: URLSearchParams): FinalizeSpec & { segments: number | null } {
  return {
    format: enumParam(q, "format", FORMATS),
    fps: intParam(q, "fps", 1, 240),
    frames: intParam(q, "frames", 1, MAX_FRAMES),
    // How many of the body's parts are video segments; the rest are audio sources.
    segments: q.has("segments") ? intParam(q, "segments", 1, 100_000) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Plumbing

/** Sends a file as the response with an exact Content-Length; rejects if the client leaves. */
async function sendFile(res: http.ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  const { size } = await fsp.stat(file);
  res.writeHead(200, { ...headers, "content-length": String(size) });
  // pipeline() destroys the file stream if the response closes early (no fd left open).
  await pipeline(fs.createReadStream(file), res);
}

/** Runs `fn` with a fresh temporary directory, removed afterwards whatever happens. */
async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "encoder-"));
  try {
    return await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Kills FFmpeg when the client goes away before the response is complete. */
function killOnAbort(res: http.ServerResponse, ffmpeg: Running): void {
  const onClose = () => {
    if (!res.writableFinished) ffmpeg.child.kill("SIGKILL");
  };
  res.once("close", onClose);
  void ffmpeg.done.catch(() => {}).finally(() => res.off("close", onClose));
}

/** Rejects the request if the client has gone (for steps that do not notice it themselves). */
function assertConnected(res: http.ServerResponse): void {
  if (res.destroyed) throw new HttpError(499, "client_closed", "the client closed the connection");
}

// ---------------------------------------------------------------------------------------------
// POST /segments

async function encodeSegment(req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams) {
  const spec = segmentSpec(q);
  await withTempDir(async (dir) => {
    const out = path.join(dir, `segment.${SEGMENT_EXTENSION}`);
    const ffmpeg = start("ffmpeg", segmentArgs(spec, out, ENCODER_OPTIONS));
    killOnAbort(res, ffmpeg);
    // Frames go to FFmpeg as they arrive (pipe() applies backpressure: nothing is buffered).
    let received = 0;
    req.on("data", (chunk: Buffer) => (received += chunk.length));
    req.on("error", () => ffmpeg.child.kill("SIGKILL"));
    req.pipe(ffmpeg.child.stdin!);
    try {
      await ffmpeg.done;
    } catch (err) {
      if (received === 0 && req.complete) throw new HttpError(400, "invalid_body", "the body holds no frames");
      throw err;
    }
    assertConnected(res);
    const facts = await probe(out);
    if (facts.frames !== spec.frames) {
      throw new HttpError(422, "frame_count_mismatch", `expected ${spec.frames} frames, encoded ${facts.frames}`);
    }
    await sendFile(res, out, { "content-type": SEGMENT_CONTENT_TYPE, "x-frame-count": String(facts.frames) });
  });
}

// ---------------------------------------------------------------------------------------------
// POST /finalize

/**
 * Splits a body of [u64 BE length][bytes]… into files in `dir` (named by `nameFor(index)`),
 * writing each piece as it arrives. Returns the file names, in order.
 */
async function receiveParts(
  req: http.IncomingMessage,
  dir: string,
  nameFor: (index: number) => string,
): Promise<string[]> {
  const files: string[] = [];
  let header = Buffer.alloc(0);
  let remaining = 0;
  let current: fs.WriteStream | null = null;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      let buf = chunk;
      while (buf.length) {
        if (!current) {
          const need = 8 - header.length;
          header = Buffer.concat([header, buf.subarray(0, need)]);
          buf = buf.subarray(need);
          if (header.length < 8) break;
          const length = header.readBigUInt64BE(0);
          header = Buffer.alloc(0);
          if (length === 0n || length > BigInt(Number.MAX_SAFE_INTEGER)) {
            throw new HttpError(400, "invalid_body", `part ${files.length} has an invalid length (${length})`);
          }
          remaining = Number(length);
          const name = nameFor(files.length);
          files.push(name);
          current = fs.createWriteStream(path.join(dir, name));
          // A failed write (disk full) rejects the drain/close waits below; a write still in
          // flight when the stream is destroyed (body cut short) reports here, harmlessly.
          current.on("error", () => {});
        }
        const part = buf.subarray(0, remaining);
        buf = buf.subarray(part.length);
        remaining -= part.length;
        if (!current.write(part)) await once(current, "drain");
        if (remaining === 0) {
          await new Promise<void>((resolve, reject) => current!.end((err?: Error | null) => (err ? reject(err) : resolve())));
          current = null;
        }
      }
    }
  } finally {
    current?.destroy();
  }
  if (current || header.length) {
    throw new HttpError(400, "invalid_body", `the body ended in the middle of part ${files.length - (current ? 1 : 0)}`);
  }
  if (!files.length) throw new HttpError(400, "invalid_body", "no segments were sent");
  return files;
}

/** Joins the segments by stream copy into `output.<format>`, mixing in the audio; returns its path. */
async function joinSegments(
  res: http.ServerResponse,
  dir: string,
  files: string[],
  spec: FinalizeSpec,
  audio: FinalizeAudio,
) {
  const list = path.join(dir, "list.txt");
  // Relative names: the concat demuxer resolves them against the list file's directory.
  await fsp.writeFile(list, concatList(files));
  const out = path.join(dir, `output.${spec.format}`);
  const ffmpeg = start("ffmpeg", concatArgs(spec, list, out, audio));
  killOnAbort(res, ffmpeg);
  ffmpeg.child.stdin!.end();
  await ffmpeg.done;
  return out;
}

async function finalize(req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams) {
  const spec = finalizeSpec(q);
  await withTempDir(async (dir) => {
    const segmentCount = spec.segments ?? Infinity;
    const parts = await receiveParts(req, dir, (i) =>
      i < segmentCount ? `seg${String(i).padStart(5, "0")}.${SEGMENT_EXTENSION}` : `audio${String(i).padStart(5, "0")}`,
    );
    const files = parts.slice(0, segmentCount);
    const sources = parts.slice(files.length).map((name) => path.join(dir, name));
    if (spec.segments !== null && files.length < spec.segments) {
      throw new HttpError(400, "invalid_body", `expected ${spec.segments} segments, got ${files.length}`);
    }
    let tracks: AudioTrack[];
    try {
      tracks = parseAudioTracks(req.headers["x-audio-mix"] as string | undefined, sources.length);
    } catch (err) {
      if (err instanceof AudioMixError) throw new HttpError(400, "invalid_audio_mix", err.message);
      throw err;
    }
    // A source with no audio stream (a silent video, a broken file) has nothing to mix.
    const sourceFacts = await Promise.all(sources.map(audioFacts));
    const silent = new Set(sourceFacts.flatMap((f, i) => (f.hasAudio ? [] : [i])));
    tracks = tracks.filter((t) => !silent.has(t.source));
    assertConnected(res);
    const video = await joinSegments(res, dir, files, spec, { files: sources, facts: sourceFacts, tracks });
    assertConnected(res);
    const facts = await probe(video);
    if (facts.frames !== spec.frames) {
      throw new HttpError(422, "frame_count_mismatch", `expected ${spec.frames} frames, the joined video has ${facts.frames}`);
    }
    await sendFile(res, video, {
      "content-type": CONTENT_TYPES[spec.format],
      "x-frame-count": String(facts.frames),
      "x-duration": String(facts.duration),
      "x-audio-tracks": String(tracks.length),
      "x-audio-silent-sources": [...silent].join(","),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Routing

function sendError(req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
  const e =
    err instanceof HttpError
      ? err
      : new HttpError(500, err instanceof FfmpegError ? "ffmpeg_failed" : "internal_error", (err as Error).message);
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: e.code, message: e.message } });
  res.writeHead(e.status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
  // Read (and drop) whatever is left of the body, so that the client sees the answer.
  req.resume();
}

/** Probes one uploaded media file (scenes reference media by URL: what is it, how long). */
async function probeMedia(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "probe-"));
  try {
    const file = path.join(dir, "media");
    await pipeline(req, fs.createWriteStream(file));
    const facts = await mediaProbe(file);
    if (!facts) throw new HttpError(422, "not_media", "the file is not audio, video or an image that FFmpeg can read");
    const body = JSON.stringify(facts);
    res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
    res.end(body);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

let ffmpegVersion = "";

async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  if (req.method === "GET" && url.pathname === "/healthz") {
    ffmpegVersion ||= (await output("ffmpeg", ["-hide_banner", "-version"])).split("\n")[0] ?? "";
    const body = JSON.stringify({ ok: true, ffmpeg: ffmpegVersion });
    res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
    res.end(body);
  } else if (req.method === "POST" && url.pathname === "/segments") {
    await encodeSegment(req, res, url.searchParams);
  } else if (req.method === "POST" && url.pathname === "/probe") {
    await probeMedia(req, res);
  } else if (req.method === "POST" && url.pathname === "/finalize") {
    await finalize(req, res, url.searchParams);
  } else {
    throw new HttpError(404, "not_found", `no route for ${req.method} ${url.pathname}`);
  }
}

/** Requests in progress, so that shutdown can wait for their temp dirs to be removed. */
const inFlight = new Set<Promise<void>>();

// The audio mix travels in a header: up to 256 tracks of ~200 bytes each.
const server = http.createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => {
  const url = new URL(req.url ?? "/", "http://encoder");
  const started = Date.now();
  res.once("close", () => {
    const status = res.writableFinished ? String(res.statusCode) : `${res.headersSent ? res.statusCode : "-"} aborted`;
    console.log(`${req.method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms`);
  });
  const handled = route(req, res, url).catch((err: unknown) => sendError(req, res, err));
  inFlight.add(handled);
  void handled.finally(() => inFlight.delete(handled));
});

// Frames are streamed while they are captured: a long chunk can take longer than Node's default
// 5-minute limit for a whole request. Allow an hour (an idle socket is still noticed by TCP).
server.requestTimeout = 60 * 60 * 1000;

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "0.0.0.0";
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  console.log(`encoder listening on http://${host}:${actual}`);
});

// Stop promptly: refuse new connections, stop FFmpeg, let handlers remove their temp dirs
// (bounded), then exit. Idle keep-alive connections would otherwise hold server.close() open.
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`encoder stopping (${signal})`);
    server.close();
    server.closeIdleConnections();
    killAll();
    const timeout = new Promise((resolve) => setTimeout(resolve, 2_000).unref());
    void Promise.race([Promise.allSettled([...inFlight]), timeout]).then(() => {
      server.closeAllConnections();
      process.exit(0);
    });
  });
}
