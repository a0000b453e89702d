// Generated media kept in R2 so that rendering the same code again costs no provider call.
// Keyed by a hash of everything that shapes the result (provider, endpoint, kind, prompt,
// inputs' hashes, size, duration, voice, options) — never the key. Scoped per account: one
// account's prompts are not another's to probe, and a result paid with one key is not handed
// to another. The bytes and a small JSON record (media type, endpoint, word timings) are two
// objects; the record is written last, so a record always has its bytes.
import { sha256Hex } from "../lib/hash.ts";
import type { GeneratedMedia, GenerationRequest, JsonValue } from "./types.ts";

export interface CacheRecord {
  mediaType: string;
  endpoint: string;
  words?: GeneratedMedia["words"];
  bytes: number;
  createdAt: number;
}

const prefix = (accountId: string) => `generated/${accountId}/`;

/** JSON with sorted object keys, so equal inputs hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/** The cache key of a request: what it asks for, with input files by their content hash. */
export async function requestHash(request: GenerationRequest, endpoint: string): Promise<string> {
  const images = await Promise.all(request.images.map((f) => sha256Hex(f.bytes)));
  const audio = request.audio ? await sha256Hex(request.audio.bytes) : undefined;
  const video = request.video ? await sha256Hex(request.video.bytes) : undefined;
  const identity: Record<string, JsonValue | undefined> = {
    v: 1,
    provider: request.provider,
    endpoint,
    kind: request.kind,
    prompt: request.prompt,
    images,
    audio,
    video,
    aspectRatio: request.aspectRatio,
    duration: request.duration,
    voice: request.voice,
    options: request.options,
  };
  return sha256Hex(canonical(identity));
}

export class GenerationCache {
  private readonly bucket: R2Bucket;
  private readonly accountId: string;
  constructor(bucket: R2Bucket, accountId: string) {
    this.bucket = bucket;
    this.accountId = accountId;
  }

  async get(hash: string): Promise<(GeneratedMedia & { hash: string }) | null> {
    const record = await this.bucket.get(`${prefix(this.accountId)}${hash}.json`);
    if (!record) return null;
    const data = await this.bucket.get(`${prefix(this.accountId)}${hash}`);
    if (!data) return null;
    const meta = (await record.json()) as CacheRecord;
    return { hash, bytes: new Uint8Array(await data.arrayBuffer()), mediaType: meta.mediaType, endpoint: meta.endpoint, words: meta.words };
  }

  async put(hash: string, media: GeneratedMedia): Promise<void> {
    await this.bucket.put(`${prefix(this.accountId)}${hash}`, media.bytes, { httpMetadata: { contentType: media.mediaType } });
    const record: CacheRecord = { mediaType: media.mediaType, endpoint: media.endpoint, words: media.words, bytes: media.bytes.length, createdAt: Date.now() };
    await this.bucket.put(`${prefix(this.accountId)}${hash}.json`, JSON.stringify(record), { httpMetadata: { contentType: "application/json" } });
  }
}
