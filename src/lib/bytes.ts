/** Joins byte chunks into one array of `size` bytes (the sum of their lengths). */
export function concatBytes(chunks: Uint8Array[], size = chunks.reduce((n, c) => n + c.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Base64 of bytes (in slices: spreading a large array into one call overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** A `data:` URL of the bytes. */
export function dataUrl(mediaType: string, bytes: Uint8Array): string {
  return `data:${mediaType};base64,${bytesToBase64(bytes)}`;
}

/** A body over the byte limit: `declared` when its Content-Length said so before reading. */
export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
  readonly declared?: number;
  constructor(maxBytes: number, declared?: number) {
    super(`body is larger than ${maxBytes} bytes`);
    this.declared = declared;
  }
}

/** Reads a response body whole, refusing more than `maxBytes`: by its Content-Length first,
 *  then as it streams in (the header may be absent or wrong). Stream errors pass unchanged. */
export async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new BodyTooLarge(maxBytes, declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}
