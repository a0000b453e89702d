// FFmpeg argument lists for each output format and quality (the reference renderer's table).
import { audioCodecArgs, mixFilter, type AudioTrack, type SourceFacts } from "./audio-mix.ts";
export type Format = "mp4" | "webm" | "mov";
export type Quality = "draft" | "standard" | "high";
/** How captured frames arrive: JPEG (lossy, no alpha), or lossless PNG or WebP (with alpha). */
export type InputKind = "jpeg" | "png" | "webp";

export const FORMATS: readonly Format[] = ["mp4", "webm", "mov"];
export const QUALITIES: readonly Quality[] = ["draft", "standard", "high"];
export const INPUTS: readonly InputKind[] = ["jpeg", "png", "webp"];

export interface SegmentSpec {
  fps: number;
  quality: Quality;
  format: Format;
  width: number;
  height: number;
  frames: number;
  input: InputKind;
}

export interface FinalizeSpec {
  format: Format;
  fps: number;
  frames: number;
}

// x264 per quality. standard is veryfast with two of medium's settings (medium is the reference
// renderer's preset). Medium lowers the chroma QP by 2 because its psy-RD (subme >= 6) is on,
// and quantises with trellis; veryfast (subme 2) has neither, and small saturated shapes came
// out 3–5 levels off their authored colour (render.test's red box, varg's green packshot logo).
// With both set by hand they are exact again, at about 60 % of medium's CPU per 1080p frame
// (13.4 against 22.7 ms, measured on the bench's frames), within 48.8 dB of medium's pictures.
// Encoding shares the cores with capture locally and is billed container CPU deployed.
const X264: Record<Quality, { preset: string; crf: number; params?: string }> = {
  draft: { preset: "ultrafast", crf: 28 },
  standard: { preset: "veryfast", crf: 18, params: "chroma-qp-offset=-2:trellis=1" },
  high: { preset: "slow", crf: 15 },
};
/** `standard` as it was before (the reference renderer's own: medium, nothing added, since
 *  medium lowers the chroma QP and uses trellis by itself). The encoder's X264_STANDARD=medium
 *  chooses it: about 1.7× the CPU; for comparisons (`npm run bench` makes the video of then). */
const X264_STANDARD_MEDIUM = { preset: "medium", crf: 18 };

/** Encoder-wide choices read from its environment (the container's, or the local process's). */
export interface EncoderOptions {
  x264Standard: "veryfast" | "medium";
}

export function encoderOptionsFrom(env: Record<string, string | undefined>): EncoderOptions {
  return { x264Standard: env.X264_STANDARD === "medium" ? "medium" : "veryfast" };
}
const VP9: Record<Quality, { deadline: string; cpuUsed: number; crf: number }> = {
  draft: { deadline: "realtime", cpuUsed: 8, crf: 40 },
  standard: { deadline: "good", cpuUsed: 4, crf: 32 },
  high: { deadline: "good", cpuUsed: 2, crf: 24 },
};
const PRORES_QSCALE: Record<Quality, number> = { draft: 13, standard: 9, high: 4 };

/** The pixel format each format is encoded in (alpha kept for webm and mov). */
export const PIX_FMTS: Record<Format, string> = { mp4: "yuv420p", webm: "yuva420p", mov: "yuva444p10le" };

/**
 * The colour conversion from captured frames to each output, written down (docs/colour.md has
 * the measurements). Captured pixels are sRGB; every stream is tagged with what it holds
 * (matrix, primaries, transfer, range), in the stream and in the frames (prores_ks writes its
 * colour fields from the frames), so players convert back to the authored colours.
 * - mp4 from JPEG frames (the default capture): a Chromium JPEG is already YCbCr — full-range
 *   BT.601, 4:2:0, exactly what H.264 carries as "full range, BT.601 matrix". Its samples go
 *   into the video unconverted, so the only rounding is the JPEG's own: every colour decodes
 *   within one level of the authored value. (Converting them to limited-range BT.709 rounds a
 *   second time: up to 2 levels off. FFmpeg 5.1's scaler cannot even do that YUV-to-YUV; it
 *   keeps the BT.601 matrix under BT.709 tags, which left every colour 3–5 levels off.)
 * - From WebP or PNG frames (lossless RGB, the capture for webm and mov, which carry alpha):
 *   one RGB → limited-range BT.709 conversion, with exact rounding (accurate_rnd) and chroma
 *   taken at full resolution (full_chroma_*); without those flags it loses a level.
 * - JPEG frames into webm or mov (not what the capture sends, but accepted): YUV-to-YUV to
 *   limited-range BT.709 by the colorspace filter (same primaries and transfer: only the matrix
 *   and range change), then to the output's pixel format.
 */
const SWS_FLAGS = "accurate_rnd+full_chroma_int+full_chroma_inp";
const JPEG_TO_BT709 =
  "colorspace=all=bt709:range=tv:ispace=bt470bg:iprimaries=bt709:itrc=bt709:irange=pc:fast=0:dither=none:format=yuv420p";

interface ColourSpace {
  pixFmt: string;
  matrix: "bt709" | "smpte170m";
  range: "tv" | "pc";
}

/** What a segment holds: the JPEG's own full-range BT.601 in mp4, else limited-range BT.709. */
export function colourSpaceOf(s: Pick<SegmentSpec, "format" | "input">): ColourSpace {
  return s.format === "mp4" && s.input === "jpeg"
    ? { pixFmt: "yuvj420p", matrix: "smpte170m", range: "pc" }
    : { pixFmt: PIX_FMTS[s.format], matrix: "bt709", range: "tv" };
}

function colourArgs(s: SegmentSpec): string[] {
  const out = colourSpaceOf(s);
  const size = `${s.width}:${s.height}`;
  const convert =
    out.range === "pc"
      ? `scale=${size}:flags=${SWS_FLAGS},format=${out.pixFmt}` // a resize at most: same samples
      : s.input === "jpeg"
        ? `${JPEG_TO_BT709},scale=${size}:flags=${SWS_FLAGS},format=${out.pixFmt}`
        : `scale=${size}:out_color_matrix=bt709:out_range=tv:flags=${SWS_FLAGS},format=${out.pixFmt}`;
  const tags = `setparams=range=${out.range}:color_primaries=bt709:color_trc=bt709:colorspace=${out.matrix}`;
  return [
    "-vf", `${convert},${tags}`,
    "-pix_fmt", out.pixFmt,
    "-colorspace", out.matrix, "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", out.range,
  ];
}

function codecArgs(s: SegmentSpec, options?: EncoderOptions): string[] {
  // One keyframe per segment, at its first frame, in a closed GOP: segments then join by
  // stream copy with no frame depending on a neighbour.
  const gop = ["-g", String(s.frames), "-keyint_min", String(s.frames)];
  switch (s.format) {
    case "mp4": {
      const q: { preset: string; crf: number; params?: string } =
        s.quality === "standard" && options?.x264Standard === "medium" ? X264_STANDARD_MEDIUM : X264[s.quality];
      return [
        "-c:v", "libx264", "-preset", q.preset, "-crf", String(q.crf),
        ...gop, "-sc_threshold", "0", "-flags", "+cgop", "-x264-params", ["open-gop=0", q.params].filter(Boolean).join(":"),
      ];
    }
    case "webm": {
      const q = VP9[s.quality];
      return [
        "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", String(q.crf),
        "-deadline", q.deadline, "-cpu-used", String(q.cpuUsed), "-row-mt", "1",
        // No hidden alt-ref frames: one packet per shown frame, so packets count frames.
        "-auto-alt-ref", "0", ...gop,
      ];
    }
    case "mov":
      // ProRes is intra-only: every frame is a keyframe.
      return ["-c:v", "prores_ks", "-profile:v", "4", "-vendor", "apl0", "-qscale:v", String(PRORES_QSCALE[s.quality])];
  }
}

/**
 * Every segment is Matroska: it carries H.264, VP9 with alpha and ProRes 4444 alike, and
 * starts with an EBML header, so the concat demuxer recognises even a one-frame segment.
 */
export const SEGMENT_MUXER = "matroska";
export const SEGMENT_CONTENT_TYPE = "video/x-matroska";
export const SEGMENT_EXTENSION = "mkv";

const DECODERS: Record<InputKind, string> = { jpeg: "mjpeg", png: "png", webp: "webp" };

/** Frames arrive on stdin as concatenated images; the segment is written to `output`. */
export function segmentArgs(s: SegmentSpec, output: string, options?: EncoderOptions): string[] {
  return [
    "-hide_banner", "-loglevel", "error", "-nostdin",
    "-f", "image2pipe", "-framerate", String(s.fps), "-c:v", DECODERS[s.input], "-i", "pipe:0",
    ...colourArgs(s),
    ...codecArgs(s, options),
    "-an", "-f", SEGMENT_MUXER, "-y", output,
  ];
}

/**
 * Matroska keeps time in milliseconds (frame k of 30 fps is at round(k × 33.33) ms). A track
 * timescale of exactly `fps` snaps every timestamp back onto the frame grid when MP4/MOV
 * are written, so the joined file has exact frame durations and an exact total duration.
 * The movie timescale (default 1000) holds the file's overall duration: fps × 1000 keeps
 * that exact too (and leaves room for an audio track's duration later).
 * WebM is Matroska itself: millisecond timestamps are all it can hold.
 */
function muxerArgs(spec: FinalizeSpec): string[] {
  const timescales = ["-video_track_timescale", String(spec.fps), "-movie_timescale", String(spec.fps * 1000)];
  switch (spec.format) {
    case "mp4":
      return [...timescales, "-movflags", "+faststart", "-f", "mp4"];
    case "mov":
      return [...timescales, "-movflags", "+faststart", "-f", "mov"];
    case "webm":
      return ["-f", "webm"];
  }
}

/** The audio sources and how they are mixed (see audio-mix.ts). */
export interface FinalizeAudio {
  files: string[];
  facts: SourceFacts[];
  tracks: AudioTrack[];
}

/**
 * Joins the segments listed in a concat file by stream copy (no re-encode) and, in the same
 * pass, mixes the audio tracks into exactly the video's length.
 */
export function concatArgs(spec: FinalizeSpec, listFile: string, output: string, audio?: FinalizeAudio): string[] {
  const video = ["-f", "concat", "-safe", "0", "-i", listFile];
  const head = ["-hide_banner", "-loglevel", "error", "-nostdin"];
  if (!audio?.tracks.length) {
    return [...head, ...video, "-map", "0:v", "-c", "copy", ...muxerArgs(spec), "-y", output];
  }
  const sources = audio.files.flatMap((file) => ["-i", file]);
  return [
    ...head, ...video, ...sources,
    "-filter_complex", mixFilter(audio.tracks, 1, spec.frames / spec.fps, audio.facts),
    "-map", "0:v", "-map", "[aout]", "-c:v", "copy", ...audioCodecArgs(spec.format),
    // A bound on the output whatever the graph does (a looping track never ends by itself).
    "-t", String(spec.frames / spec.fps),
    ...muxerArgs(spec), "-y", output,
  ];
}

/** The concat demuxer's list: one `file` line per segment, quoted. */
export function concatList(files: string[]): string {
  return files.map((f) => `file '${f.replaceAll("'", "'\\''")}'\n`).join("");
}

export const CONTENT_TYPES: Record<Format, string> = {
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};
