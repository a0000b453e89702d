// FFmpeg argument lists for each output format and quality (the reference renderer's table).
export type Format = "mp4" | "webm" | "mov";
export type Quality = "draft" | "standard" | "high";

export interface SegmentSpec {
  fps: number;
  quality: Quality;
  format: Format;
  width: number;
  height: number;
  frames: number;
  input: "jpeg" | "png";
}

const X264: Record<Quality, { preset: string; crf: number }> = {
  draft: { preset: "ultrafast", crf: 28 },
  standard: { preset: "medium", crf: 18 },
  high: { preset: "slow", crf: 15 },
};
const VP9: Record<Quality, { deadline: string; cpuUsed: number; crf: number }> = {
  draft: { deadline: "realtime", cpuUsed: 8, crf: 40 },
  standard: { deadline: "good", cpuUsed: 4, crf: 32 },
  high: { deadline: "good", cpuUsed: 2, crf: 24 },
};
const PRORES_QSCALE: Record<Quality, number> = { draft: 13, standard: 9, high: 4 };

function videoCodecArgs(s: SegmentSpec): string[] {
  const size = `${s.width}:${s.height}`;
  // One keyframe per segment, at its first frame, in a closed GOP: segments then join by
  // stream copy with no frame depending on a neighbour.
  const gop = ["-g", String(s.frames), "-keyint_min", String(s.frames), "-flags", "+cgop"];
  switch (s.format) {
    case "mp4": {
      const q = X264[s.quality];
      return [
        // JPEG/PNG are full-range RGB-ish; convert properly to limited-range BT.709 4:2:0.
        "-vf", `scale=${size}:out_color_matrix=bt709:out_range=tv,format=yuv420p`,
        "-c:v", "libx264", "-preset", q.preset, "-crf", String(q.crf),
        ...gop, "-sc_threshold", "0", "-x264-params", "open-gop=0",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
      ];
    }
    case "webm": {
      const q = VP9[s.quality];
      return [
        "-vf", `scale=${size},format=yuva420p`,
        "-c:v", "libvpx-vp9", "-pix_fmt", "yuva420p", "-b:v", "0", "-crf", String(q.crf),
        "-deadline", q.deadline, "-cpu-used", String(q.cpuUsed), "-row-mt", "1", "-auto-alt-ref", "0",
        ...gop,
      ];
    }
    case "mov":
      return [
        "-vf", `scale=${size},format=yuva444p10le`,
        "-c:v", "prores_ks", "-profile:v", "4", "-pix_fmt", "yuva444p10le", "-vendor", "apl0",
        "-qscale:v", String(PRORES_QSCALE[s.quality]),
      ];
  }
}

/**
 * Segment containers: MPEG-TS for H.264 (its 90 kHz clock keeps the joined duration exact),
 * Matroska for VP9 with alpha and ProRes, which MPEG-TS cannot carry.
 */
export const SEGMENT_CONTAINERS: Record<Format, { muxer: string; contentType: string }> = {
  mp4: { muxer: "mpegts", contentType: "video/mp2t" },
  webm: { muxer: "matroska", contentType: "video/x-matroska" },
  mov: { muxer: "matroska", contentType: "video/x-matroska" },
};

/** Frames arrive on stdin as concatenated images. */
export function segmentArgs(s: SegmentSpec, output: string): string[] {
  return [
    "-hide_banner", "-loglevel", "error", "-nostdin",
    "-f", "image2pipe", "-framerate", String(s.fps), "-c:v", s.input === "png" ? "png" : "mjpeg", "-i", "pipe:0",
    ...videoCodecArgs(s),
    "-an", "-f", SEGMENT_CONTAINERS[s.format].muxer, "-y", output,
  ];
}

const MUXERS: Record<Format, string[]> = {
  mp4: ["-movflags", "+faststart", "-f", "mp4"],
  webm: ["-f", "webm"],
  mov: ["-movflags", "+faststart", "-f", "mov"],
};

/** Joins segments listed in a concat file by stream copy (no re-encode). */
export function concatArgs(format: Format, listFile: string, output: string): string[] {
  return [
    "-hide_banner", "-loglevel", "error", "-nostdin",
    "-f", "concat", "-safe", "0", "-i", listFile,
    "-map", "0:v", "-c", "copy", ...MUXERS[format], "-y", output,
  ];
}

export const CONTENT_TYPES: Record<Format, string> = {
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};
