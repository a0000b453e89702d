// Standard Webhooks signing (https://www.standardwebhooks.com): the secret is "whsec_" +
// base64 key bytes; the signature is "v1," + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")).

import { fromBase64, toBase64 } from "../lib/base64.ts";

const PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(24)));
}

export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const keyBytes = fromBase64(secret.slice(PREFIX.length));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(mac)}`;
}
