// How frames are captured for each output (issue 12/13): JPEG for mp4 (its samples go into
// the video unconverted), lossless WebP for the formats with alpha; thumbnails stay JPEG/PNG;
// and the JPEG size check the screencast relies on.
import { describe, expect, it } from "vitest";
import { screenshotOptions, thumbnailOptions } from "../../src/render/capture-settings.ts";
import { jpegSize } from "../../src/render/screencast.ts";

describe("capture settings", () => {
  it("captures mp4 as JPEG at the quality's level, and webm and mov as lossless WebP", () => {
    expect(screenshotOptions({ format: "mp4", quality: "draft" })).toEqual({ format: "jpeg", quality: 80 });
    expect(screenshotOptions({ format: "mp4", quality: "standard" })).toEqual({ format: "jpeg", quality: 95 });
    expect(screenshotOptions({ format: "mp4", quality: "high" })).toEqual({ format: "jpeg", quality: 100 });
    expect(screenshotOptions({ format: "webm", quality: "draft" })).toEqual({ format: "webp", quality: 100 });
    expect(screenshotOptions({ format: "mov", quality: "high" })).toEqual({ format: "webp", quality: 100 });
  });

  it("lets CAPTURE_FORMAT force lossless WebP for mp4, never JPEG for alpha", () => {
    expect(screenshotOptions({ format: "mp4", quality: "standard" }, "webp")).toEqual({ format: "webp", quality: 100 });
    expect(screenshotOptions({ format: "webm", quality: "standard" }, "jpeg")).toEqual({ format: "webp", quality: 100 });
  });

  it("keeps thumbnails as images every client shows", () => {
    expect(thumbnailOptions({ format: "mp4", quality: "standard" }).format).toBe("jpeg");
    expect(thumbnailOptions({ format: "mov", quality: "standard" }).format).toBe("png");
  });
});

describe("jpegSize", () => {
  // SOI, an APP0 segment, then a baseline SOF0 for 1920×1080 (3 components).
  const header = (sof: number) =>
    new Uint8Array([
      0xff, 0xd8,
      0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
      0xff, sof, 0x00, 0x11, 0x08, 0x04, 0x38, 0x07, 0x80, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
    ]);

  it("reads width and height from the start-of-frame marker", () => {
    expect(jpegSize(header(0xc0))).toEqual({ width: 1920, height: 1080 });
    expect(jpegSize(header(0xc2))).toEqual({ width: 1920, height: 1080 }); // progressive
  });

  it("answers null for what is not a JPEG frame header", () => {
    expect(jpegSize(header(0xc4))).toBeNull(); // a Huffman table is not a frame
    expect(jpegSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
  });
});
