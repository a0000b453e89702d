// Opaque, URL-safe identifiers with a type prefix so an id says what it names.
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export const newId = {
  account: () => `acct_${randomToken(20)}`,
  apiKey: () => `key_${randomToken(20)}`,
  asset: () => `asset_${randomToken(24)}`,
  webhookAttempt: () => `wha_${randomToken(20)}`,
};
