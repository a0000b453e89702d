// Typed calls to the encoder server's endpoints (see containers/encoder/server.ts).
import { getContainer } from "@cloudflare/containers";
import type { Env } from "../env.ts";
import type { OutputFormat, Quality } from "../jobs/render-state.ts";
import type { PlannedAudioTrack } from "../render/audio-plan.ts";

export interface SegmentParams {
  fps: number;
  quality: Quality;
  format: OutputFormat;
  width: number;
  height: number;
  frames: number;
  input: "jpeg" | "png" | "webp";
}

export interface FinalizeParams {
  format: OutputFormat;
  fps: number;
  frames: number;
  /** How many of the body's parts are segments; the rest are audio sources. */
  segments: number;
}

/** One track of the audio mix; `source` indexes the audio sources sent after the segments. */
export type MixTrack = Omit<PlannedAudioTrack, "path"> & { source: number };

/** Instances are named so that a render's chunks spread over a small warm pool. */
const POOL_SIZE = 4;

function encoderFor(env: Env, slot: number) {
  return getContainer(env.ENCODER, `encoder-${slot % POOL_SIZE}`);
}

function query(params: object): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

export class EncoderError extends Error {}

async function expectOk(res: Response, what: string): Promise<Response> {
  if (res.ok) return res;
  let detail = await res.text();
  try {
    detail = (JSON.parse(detail) as { error?: { message?: string } }).error?.message ?? detail;
  } catch {
    // not JSON: keep the text
  }
  throw new EncoderError(`${what} failed (${res.status}): ${detail.slice(0, 2000)}`);
}

/** Streams concatenated images into a closed-GOP segment; resolves with the segment response. */
export async function encodeSegment(
  env: Env,
  slot: number,
  params: SegmentParams,
  frames: ReadableStream<Uint8Array>,
): Promise<Response> {
  const res = await encoderFor(env, slot).fetch(
    new Request(`http://encoder/segments?${query(params)}`, { method: "POST", body: frames }),
  );
  return expectOk(res, "encoding segment");
}

/**
 * Sends length-prefixed segments followed by the audio sources, and resolves with the
 * finished file's response.
 */
export async function finalizeSegments(
  env: Env,
  slot: number,
  params: FinalizeParams,
  mix: MixTrack[],
  parts: ReadableStream<Uint8Array>,
): Promise<Response> {
  const headers = mix.length ? { "x-audio-mix": encodeURIComponent(JSON.stringify(mix)) } : undefined;
  const res = await encoderFor(env, slot).fetch(
    new Request(`http://encoder/finalize?${query(params)}`, { method: "POST", body: parts, headers }),
  );
  return expectOk(res, "finalizing video");
}

/** What the encoder's ffprobe says a media file is (see containers/encoder/process.ts). */
export interface MediaProbe {
  format: string;
  duration: number | null;
  video: { codec: string; width: number; height: number } | null;
  hasAudio: boolean;
}

/** Probes a media file; null when it is not media FFmpeg can read. */
export async function probeMedia(env: Env, body: ReadableStream<Uint8Array> | Uint8Array): Promise<MediaProbe | null> {
  const res = await encoderFor(env, 0).fetch(new Request("http://encoder/probe", { method: "POST", body }));
  if (res.status === 422) {
    await res.body?.cancel();
    return null;
  }
  return (await (await expectOk(res, "probing media")).json()) as MediaProbe;
}
