// HMAC-SHA256 signatures for capability URLs (downloads, capture pages, uploads).
// A signed URL carries `exp` (unix seconds) and `sig`; the signature covers a purpose
// string, the path and the expiry, so a URL for one purpose cannot be reused for another.

import { fromBase64Url, toBase64Url } from "./base64.ts";

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

function decodeSignature(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  return fromBase64Url(text);
}

export async function sign(secret: string, message: string): Promise<string> {
  return toBase64Url(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message)));
}

/** Constant-time check (crypto.subtle.verify) that `signature` signs `message`. */
export async function verify(secret: string, message: string, signature: string): Promise<boolean> {
  const bytes = decodeSignature(signature);
  if (!bytes) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, encoder.encode(message));
}

export type SignedUrlCheck = { ok: true } | { ok: false; reason: "missing" | "expired" | "invalid" };

export async function signPath(
  secret: string,
  purpose: string,
  path: string,
  ttlSeconds: number,
  now = Date.now(),
): Promise<{ exp: number; sig: string }> {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  return { exp, sig: await sign(secret, `${purpose}\n${path}\n${exp}`) };
}

export async function checkSignedPath(
  secret: string,
  purpose: string,
  path: string,
  exp: string | undefined,
  sig: string | undefined,
  now = Date.now(),
): Promise<SignedUrlCheck> {
  if (!exp || !sig || !/^\d+$/.test(exp)) return { ok: false, reason: "missing" };
  if (!(await verify(secret, `${purpose}\n${path}\n${exp}`, sig))) return { ok: false, reason: "invalid" };
  if (Number(exp) * 1000 < now) return { ok: false, reason: "expired" };
  return { ok: true };
}
