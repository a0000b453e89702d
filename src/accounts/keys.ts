// API key format and hashing. Shared by the Worker (auth) and the key-management script,
// so it uses only web-standard APIs.
import { randomToken } from "../lib/ids.ts";

export const API_KEY_PATTERN = /^rf_[0-9a-z]{40}$/;

export function generateApiKey(): string {
  return `rf_${randomToken(40)}`;
}

export function keyPrefix(key: string): string {
  return key.slice(0, 10);
}

export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
