// A minimal PNG writer: 1-bit masks (palette: transparent / opaque black) for the dissolve
// transition's noise masks, and the encoder under them (the fake providers' images use it
// too). zlib from fflate (pure JS, runs in the Worker).
import { zlibSync } from "fflate";
import { concatBytes } from "../../../lib/bytes.ts";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG of width × height where `opaque(x, y)` pixels are opaque black, the rest transparent. */
export function maskPng(width: number, height: number, opaque: (x: number, y: number) => boolean): Uint8Array {
  const rowBytes = Math.ceil(width / 8);
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1); // filter byte 0 (none), then the bits
    for (let x = 0; x < width; x++) if (opaque(x, y)) raw[row + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  // Bit depth 1, palette: black, transparent where the bit is 0.
  return encodePng(width, height, { bitDepth: 1, colourType: 3 }, raw, [
    ["PLTE", new Uint8Array([0, 0, 0, 0, 0, 0])],
    ["tRNS", new Uint8Array([0x00, 0xff])],
  ]);
}

/** A PNG from its scanlines (`raw`: each row's filter byte, then its pixels), with any chunks
 *  that go before the image data (PLTE, tRNS). */
export function encodePng(
  width: number,
  height: number,
  format: { bitDepth: number; colourType: number },
  raw: Uint8Array,
  before: Array<[string, Uint8Array]> = [],
): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([format.bitDepth, format.colourType, 0, 0, 0], 8); // deflate, no filter, no interlace
  return concatBytes([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    ...before.map(([type, data]) => chunk(type, data)),
    chunk("IDAT", zlibSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}


