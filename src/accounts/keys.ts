// API key format and hashing. Shared by the Worker (auth) and the key-management script,
// so it uses only web-standard APIs.
import { randomToken } from "../lib/ids.ts";
import { sha256Hex } from "../lib/hash.ts";

export const API_KEY_PATTERN = /^rf_[0-9a-z]{40}$/;

export function generateApiKey(): string {
  return `rf_${randomToken(40)}`;
}

export function keyPrefix(key: string): string {
  return key.slice(0, 10);
}

export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}
