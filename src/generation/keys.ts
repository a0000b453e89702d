// Provider keys: which one a generation uses (the request's own key wins over the deployment's
// secret), how a request's keys travel from the API to the prepare phase without being stored
// in the clear (sealed with AES-GCM under a key derived from SIGNING_SECRET and the render id,
// kept only in the render's Durable Object until generation is over), and redaction of any key
// from text that quotes a provider.
import type { Env } from "../env.ts";
import { base64ToBytes, bytesToBase64 } from "../lib/bytes.ts";
import { KEY_SECRETS, type ProviderName } from "./providers/index.ts";

export type ProviderKeys = Partial<Record<string, string>>;

/** The key for `provider`: the request's, else the deployment's secret, else null. */
export function keyFor(provider: string, requestKeys: ProviderKeys, env: Env): string | null {
  const own = requestKeys[provider];
  if (own) return own;
  const vars = env as unknown as Record<string, string | undefined>;
  // Higgsfield authenticates with a key and a secret; the SDK keeps them in two variables.
  if (provider === "higgsfield" && vars.HIGGSFIELD_API_KEY && vars.HIGGSFIELD_SECRET) return `${vars.HIGGSFIELD_API_KEY}:${vars.HIGGSFIELD_SECRET}`;
  for (const name of KEY_SECRETS[provider as ProviderName] ?? []) {
    const value = vars[name];
    if (value) return value;
  }
  return null;
}

const enc = new TextEncoder();

async function sealingKey(signingSecret: string, renderId: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", enc.encode(signingSecret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: enc.encode(renderId), info: enc.encode("reelflare provider keys v1") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}


/** Seals a request's keys for one render: only that render's id and the secret open them. */
export async function sealKeys(signingSecret: string, renderId: string, keys: ProviderKeys): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await sealingKey(signingSecret, renderId);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, enc.encode(JSON.stringify(keys))));
  return `${bytesToBase64(iv)}.${bytesToBase64(sealed)}`;
}

export async function openKeys(signingSecret: string, renderId: string, sealed: string): Promise<ProviderKeys> {
  const [iv, data] = sealed.split(".");
  const key = await sealingKey(signingSecret, renderId);
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: base64ToBytes(iv!) }, key, base64ToBytes(data!));
  return JSON.parse(new TextDecoder().decode(plain)) as ProviderKeys;
}

/** Replaces every occurrence of any of `secrets` (and of a long-enough piece of one) in `text`. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join("[redacted]");
    // A provider may echo part of a key ("sk-ab…xyz"): hide its distinctive tail too.
    if (secret.length >= 12) out = out.split(secret.slice(-8)).join("[redacted]");
  }
  return out;
}
