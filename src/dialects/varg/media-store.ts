// The media a scene references, fetched once per build into the render's project (R2) and
// probed by the encoder's FFmpeg: what it is, how long, how large. A URL that is unreachable,
// too large or not the media its element expects fails the job with a message naming both.
import type { Env } from "../../env.ts";
import { configFrom } from "../../config.ts";
import { RenderFailure } from "../../core/errors.ts";
import { sha256Hex } from "../../lib/hash.ts";
import { fetchLimited, FetchProblem } from "../../lib/safe-fetch.ts";
import { r2Keys } from "../../assets/layout.ts";
import { probeMedia, type MediaProbe } from "../../encoder/client.ts";
import type { MediaInfo, MediaRef } from "./compose/types.ts";

const MAX_SUBTITLE_BYTES = 1024 * 1024;

/** Image formats Chromium shows, by FFmpeg's demuxer name. */
const IMAGE_FORMATS: Record<string, { ext: string; mediaType: string }> = {
  png_pipe: { ext: "png", mediaType: "image/png" },
  jpeg_pipe: { ext: "jpg", mediaType: "image/jpeg" },
  webp_pipe: { ext: "webp", mediaType: "image/webp" },
  gif: { ext: "gif", mediaType: "image/gif" },
  svg_pipe: { ext: "svg", mediaType: "image/svg+xml" },
  bmp_pipe: { ext: "bmp", mediaType: "image/bmp" },
};

function containerOf(probe: MediaProbe, kind: "video" | "audio"): { ext: string; mediaType: string } {
  const f = probe.format;
  if (f.includes("mp4") || f.includes("mov")) return { ext: kind === "audio" && !probe.video ? "m4a" : "mp4", mediaType: kind === "audio" && !probe.video ? "audio/mp4" : "video/mp4" };
  if (f.includes("webm") || f.includes("matroska")) return { ext: "webm", mediaType: kind === "audio" ? "audio/webm" : "video/webm" };
  if (f.includes("mp3")) return { ext: "mp3", mediaType: "audio/mpeg" };
  if (f.includes("wav")) return { ext: "wav", mediaType: "audio/wav" };
  if (f.includes("ogg")) return { ext: "ogg", mediaType: "audio/ogg" };
  if (f.includes("flac")) return { ext: "flac", mediaType: "audio/flac" };
  if (f.includes("aac")) return { ext: "aac", mediaType: "audio/aac" };
  return { ext: "bin", mediaType: "application/octet-stream" };
}

async function settled<T>(pending: Map<string, Promise<T>>): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (const [url, value] of pending) out.set(url, await value);
  return out;
}

export class SceneMedia {
  private readonly media = new Map<string, Promise<MediaInfo>>();
  private readonly texts = new Map<string, Promise<string>>();
  private readonly env: Env;
  private readonly assetId: string;

  constructor(env: Env, assetId: string) {
    this.env = env;
    this.assetId = assetId;
  }

  /** Fetched media by URL, for the compiler. */
  all(): Promise<Map<string, MediaInfo>> {
    return settled(this.media);
  }

  /** Fetched subtitle texts by URL. */
  allSubtitles(): Promise<Map<string, string>> {
    return settled(this.texts);
  }

  fetch(ref: MediaRef): Promise<MediaInfo | string> {
    if (ref.kind === "subtitles") {
      let text = this.texts.get(ref.url);
      if (!text) this.texts.set(ref.url, (text = this.fetchText(ref)));
      return text;
    }
    return this.fetchMedia(ref as MediaRef & { kind: MediaInfo["kind"] });
  }

  fetchMedia(ref: { url: string; kind: MediaInfo["kind"]; where: string }): Promise<MediaInfo> {
    let info = this.media.get(ref.url);
    if (!info) this.media.set(ref.url, (info = this.load(ref)));
    return info;
  }

  private async download(ref: { url: string; where: string }, maxBytes: number): Promise<{ bytes: Uint8Array; contentType: string }> {
    const config = configFrom(this.env);
    try {
      return await fetchLimited(ref.url, { maxBytes, timeoutMs: config.urlFetchTimeoutMs, allowLocal: config.allowLocalUrls });
    } catch (err) {
      if (err instanceof FetchProblem) throw new RenderFailure(`${ref.where}: src ${ref.url.slice(0, 300)} ${err.message}`, "invalid_source");
      throw err;
    }
  }

  private async fetchText(ref: MediaRef): Promise<string> {
    const { bytes } = await this.download(ref, MAX_SUBTITLE_BYTES);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw new RenderFailure(`${ref.where}: subtitles ${ref.url.slice(0, 300)} are not UTF-8 text`, "invalid_source");
    }
  }

  /** Media made here rather than fetched (a generation's result), under a URL of our own:
   *  probed and stored like fetched media, so the compiler finds it by that URL. A file that is
   *  not the media expected fails as `failure` says (the provider's fault, not the scene's). */
  add(ref: { url: string; kind: MediaInfo["kind"]; where: string }, bytes: Uint8Array, describe: (what: string) => RenderFailure): Promise<MediaInfo> {
    let info = this.media.get(ref.url);
    if (!info) this.media.set(ref.url, (info = this.store(ref, bytes, describe)));
    return info;
  }

  /** A stand-in with no file (preview mode, a generation that failed): the compiler draws or
   *  plays nothing for it but keeps its size and duration. */
  placeholder(url: string, info: Omit<MediaInfo, "path" | "placeholder"> & { label: string }, image?: string): Promise<void> {
    const { label, ...rest } = info;
    const stored = (async (): Promise<MediaInfo> => {
      if (image === undefined) return { ...rest, path: "", placeholder: label };
      const path = `media/placeholder-${(await sha256Hex(url)).slice(0, 16)}.svg`;
      await this.env.BUCKET.put(r2Keys.assetFile(this.assetId, path), image, { httpMetadata: { contentType: "image/svg+xml" } });
      return { ...rest, path, placeholder: label };
    })();
    this.media.set(url, stored);
    return stored.then(() => {});
  }

  private async load(ref: { url: string; kind: MediaInfo["kind"]; where: string }): Promise<MediaInfo> {
    const { bytes } = await this.download(ref, configFrom(this.env).maxMediaBytes);
    return this.store(ref, bytes, (what) => new RenderFailure(`${ref.where}: src ${ref.url.slice(0, 300)} ${what}`, "invalid_source"));
  }

  private async store(ref: { url: string; kind: MediaInfo["kind"]; where: string }, bytes: Uint8Array, fail: (what: string) => RenderFailure): Promise<MediaInfo> {
    const probe = await probeMedia(this.env, bytes);
    if (!probe) throw fail(`is not ${ref.kind === "image" ? "an image" : ref.kind} that can be read`);
    let type: { ext: string; mediaType: string };
    if (ref.kind === "image") {
      const image = IMAGE_FORMATS[probe.format];
      if (!image || !probe.video) throw fail(`is not an image (FFmpeg reads it as ${probe.format || "unknown"})`);
      type = image;
    } else if (ref.kind === "video") {
      if (!probe.video || IMAGE_FORMATS[probe.format] || !probe.duration) throw fail("is not a video");
      type = containerOf(probe, "video");
    } else {
      if (!probe.hasAudio || !probe.duration) throw fail("has no audio stream");
      type = containerOf(probe, "audio");
    }
    const path = `media/${(await sha256Hex(ref.url)).slice(0, 20)}.${type.ext}`;
    await this.env.BUCKET.put(r2Keys.assetFile(this.assetId, path), bytes, { httpMetadata: { contentType: type.mediaType } });
    return {
      path,
      kind: ref.kind,
      mediaType: type.mediaType,
      duration: probe.duration ?? undefined,
      width: probe.video?.width,
      height: probe.video?.height,
      hasAudio: probe.hasAudio,
    };
  }
}
