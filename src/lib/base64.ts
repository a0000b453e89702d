// Base64 for bytes. Screenshots arrive as base64 (hundreds of KB per frame), so decoding is
// on the hot path: the runtime's native decoder (Uint8Array.fromBase64) or node:buffer's;
// mapping each character through Uint8Array.from's callback was ~140× slower.
import { Buffer } from "node:buffer";

type Base64Native = { fromBase64?: (text: string) => Uint8Array };

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("base64");
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Throws on text that is not base64. */
export function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as Base64Native).fromBase64;
  if (native) return native(text);
  // Buffer skips bad characters silently; refuse them as atob does.
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 4 === 1 || !BASE64.test(clean)) throw new TypeError("not valid base64");
  const buf = Buffer.from(clean, "base64");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Uint8Array {
  return fromBase64(text.replace(/-/g, "+").replace(/_/g, "/"));
}
