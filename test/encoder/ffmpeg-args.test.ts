// The encoder's x264 settings per quality, and X264_STANDARD=medium bringing back the standard
// quality of before (the reference renderer's medium, nothing added: medium lowers the chroma QP
// by itself, so the hand-set offset would lower it twice). The pictures each makes are checked
// in encoder.test.ts; `npm run bench` compares today's output with medium's.
import { describe, expect, it } from "vitest";
import { encoderOptionsFrom, segmentArgs, type SegmentSpec } from "../../containers/encoder/ffmpeg-args.ts";

const spec = (quality: SegmentSpec["quality"]): SegmentSpec => ({ format: "mp4", quality, input: "jpeg", fps: 30, width: 320, height: 180, frames: 30 });
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe("x264 settings", () => {
  it("standard is veryfast with medium's chroma offset and trellis, unless X264_STANDARD=medium", () => {
    const today = segmentArgs(spec("standard"), "out.mkv", encoderOptionsFrom({}));
    expect([after(today, "-preset"), after(today, "-crf"), after(today, "-x264-params")]).toEqual(["veryfast", "18", "open-gop=0:chroma-qp-offset=-2:trellis=1"]);
    const medium = segmentArgs(spec("standard"), "out.mkv", encoderOptionsFrom({ X264_STANDARD: "medium" }));
    expect([after(medium, "-preset"), after(medium, "-crf"), after(medium, "-x264-params")]).toEqual(["medium", "18", "open-gop=0"]);
  });

  it("X264_STANDARD changes only standard, and only to medium", () => {
    const medium = encoderOptionsFrom({ X264_STANDARD: "medium" });
    expect(segmentArgs(spec("draft"), "o.mkv", medium)).toEqual(segmentArgs(spec("draft"), "o.mkv"));
    expect(segmentArgs(spec("high"), "o.mkv", medium)).toEqual(segmentArgs(spec("high"), "o.mkv"));
    expect(encoderOptionsFrom({ X264_STANDARD: "placebo" }).x264Standard).toBe("veryfast");
  });
});
