// SHA-256 helpers (checksums of uploads, API key hashes).
import { fromBase64Url } from "./base64.ts";

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(data: ArrayBuffer | Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

/** Streams an R2 object through SHA-256 without buffering it. */
export async function sha256OfStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  const digest = new crypto.DigestStream("SHA-256");
  await stream.pipeTo(digest);
  return toHex(await digest.digest);
}

/** Accepts a SHA-256 as hex or base64 and returns lowercase hex (null if it is neither). */
export function normaliseSha256(value: string): string | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = fromBase64Url(value.replace(/=?$/, "="));
    if (bytes.length === 32) return toHex(bytes);
  }
  return null;
}
