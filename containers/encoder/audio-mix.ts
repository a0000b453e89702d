// The audio mix: every audible <audio>/<video> of the composition placed at its start, cut
// to its window, sped up or slowed down, at its volume, with its fades, summed, and padded or
// trimmed to exactly the video's length. One FFmpeg filter graph, run in the same pass as the
// stream-copy join of the video segments.
import type { Format } from "./ffmpeg-args.ts";

/** One audible element, in composition seconds (the Worker resolves these from the page). */
export interface AudioTrack {
  /** Index into the audio sources sent after the segments. */
  source: number;
  start: number;
  /** Where it stops in the composition; the source's own end may come first. */
  end: number;
  /** Offset into the source, seconds. */
  mediaStart: number;
  rate: number;
  volume: number;
  loop: boolean;
  fadeIn: number;
  fadeOut: number;
}

export class AudioMixError extends Error {}

function finite(v: unknown, name: string, i: number, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw new AudioMixError(`audio track ${i}: ${name} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return v;
}

/** Validates the `x-audio-mix` header against the number of sources that were sent. */
export function parseAudioTracks(raw: string | undefined, sources: number): AudioTrack[] {
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(decodeURIComponent(raw));
  } catch {
    throw new AudioMixError("x-audio-mix is not URI-encoded JSON");
  }
  if (!Array.isArray(list)) throw new AudioMixError("x-audio-mix must be a JSON array");
  return list.map((t: Record<string, unknown>, i) => {
    if (!t || typeof t !== "object") throw new AudioMixError(`audio track ${i} must be an object`);
    const track: AudioTrack = {
      source: finite(t.source, "source", i, 0, sources - 1),
      start: finite(t.start, "start", i, 0, 1e6),
      end: finite(t.end, "end", i, 0, 1e6),
      mediaStart: finite(t.mediaStart, "mediaStart", i, 0, 1e6),
      rate: finite(t.rate, "rate", i, 0.1, 10),
      volume: finite(t.volume, "volume", i, 0, 10),
      loop: t.loop === true,
      fadeIn: finite(t.fadeIn ?? 0, "fadeIn", i, 0, 1e6),
      fadeOut: finite(t.fadeOut ?? 0, "fadeOut", i, 0, 1e6),
    };
    if (!Number.isInteger(track.source)) throw new AudioMixError(`audio track ${i}: source must be an integer`);
    if (track.end <= track.start) throw new AudioMixError(`audio track ${i}: end must come after start`);
    return track;
  });
}

/** atempo takes 0.5–100 per instance: slower rates are a chain of halvings. */
function tempoFilters(rate: number): string[] {
  if (rate === 1) return [];
  const out: string[] = [];
  let r = rate;
  while (r < 0.5) {
    out.push("atempo=0.5");
    r /= 0.5;
  }
  out.push(`atempo=${r.toFixed(6)}`);
  return out;
}

const s = (v: number) => v.toFixed(6);

/** What the encoder knows of a source file (ffprobe), null when it could not tell. */
export interface SourceFacts {
  duration: number | null;
  /** Channels of its first audio stream. */
  channels: number | null;
}

const RATE = 48_000;

/**
 * The filter graph: input 0 is the video; track k's source is input `firstAudioInput + source`.
 * Each track: cut its source window, change tempo, volume, fades, delay to its start; then
 * everything is summed without normalisation (a lone track keeps its level) and padded/cut
 * to `duration`. A looping track wraps back to its offset (`mediaStart`), not to the file's
 * start, as a looping element does in the page.
 */
export function mixFilter(tracks: AudioTrack[], firstAudioInput: number, duration: number, sources: SourceFacts[]): string {
  const chains = tracks.map((t, i) => {
    const length = t.end - t.start; // composition seconds
    const sourceSeconds = length * t.rate;
    const facts = sources[t.source];
    const loopLength = (facts?.duration ?? 0) - t.mediaStart;
    // Mono plays on both sides at full level, as in the browser (a plain stereo conversion
    // would put it 3 dB lower); other layouts are converted as FFmpeg does.
    const toStereo = facts?.channels === 1 ? ["pan=stereo|c0=c0|c1=c0", `aformat=sample_rates=${RATE}`] : [`aformat=sample_rates=${RATE}:channel_layouts=stereo`];
    const window =
      t.loop && loopLength > 0 && sourceSeconds > loopLength
        ? [
            `atrim=start=${s(t.mediaStart)}`,
            "asetpts=PTS-STARTPTS",
            ...toStereo,
            `aloop=loop=-1:size=${Math.ceil(loopLength * RATE)}`,
            `atrim=end=${s(sourceSeconds)}`,
            "asetpts=PTS-STARTPTS",
          ]
        : [
            `atrim=start=${s(t.mediaStart)}:end=${s(t.mediaStart + sourceSeconds)}`,
            "asetpts=PTS-STARTPTS",
            ...toStereo,
          ];
    const steps = [
      ...window,
      ...tempoFilters(t.rate),
      `volume=${s(t.volume)}`,
      ...(t.fadeIn > 0 ? [`afade=t=in:st=0:d=${s(t.fadeIn)}`] : []),
      ...(t.fadeOut > 0 ? [`afade=t=out:st=${s(Math.max(0, length - t.fadeOut))}:d=${s(t.fadeOut)}`] : []),
      `adelay=delays=${Math.round(t.start * 1000)}:all=1`,
    ];
    return `[${firstAudioInput + t.source}:a]${steps.join(",")}[a${i}]`;
  });
  const inputs = tracks.map((_, i) => `[a${i}]`).join("");
  const sum =
    tracks.length === 1
      ? `${inputs}anull`
      : `${inputs}amix=inputs=${tracks.length}:duration=longest:dropout_transition=0:normalize=0`;
  // apad with no length breaks timestamps after amix (FFmpeg 5.1): pad to the whole duration.
  return [...chains, `${sum},apad=whole_dur=${s(duration)},atrim=end=${s(duration)}[aout]`].join(";");
}

export function audioCodecArgs(format: Format): string[] {
  switch (format) {
    case "mp4":
      return ["-c:a", "aac", "-b:a", "192k"];
    case "webm":
      return ["-c:a", "libopus", "-b:a", "160k"];
    case "mov":
      // ProRes files are for editing: uncompressed audio, like the picture's near-lossless.
      return ["-c:a", "pcm_s16le"];
  }
}
