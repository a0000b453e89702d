// The deployment's first API key, created once: only while no key exists at all, so the setup
// page closes itself the moment it has done its job. The check and both inserts are one D1
// batch (a transaction), so two racing requests cannot both get a key.
import type { Env } from "../env.ts";
import { generateApiKey, hashApiKey, keyPrefix } from "../accounts/keys.ts";
import { newId } from "../lib/ids.ts";

export interface FirstKey {
  accountId: string;
  keyId: string;
  key: string;
}

const NO_KEY_YET = "NOT EXISTS (SELECT 1 FROM api_keys)";

/** The new account and key, or null when a key already existed (setup is over). */
export async function createFirstKey(env: Env, accountName: string, now = Date.now()): Promise<FirstKey | null> {
  const accountId = newId.account();
  const keyId = newId.apiKey();
  const key = generateApiKey();
  const [, insertedKey] = await env.DB.batch([
    env.DB.prepare(`INSERT INTO accounts (id, name, created_at) SELECT ?, ?, ? WHERE ${NO_KEY_YET}`).bind(accountId, accountName, now),
    env.DB.prepare(
      `INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at) SELECT ?, ?, ?, ?, ?, ? WHERE ${NO_KEY_YET}`,
    ).bind(keyId, accountId, "setup", keyPrefix(key), await hashApiKey(key), now),
  ]);
  return insertedKey?.meta.changes === 1 ? { accountId, keyId, key } : null;
}

/** Whether setup can still hand out a key. */
export async function setupOpen(env: Env): Promise<boolean> {
  return (await env.DB.prepare("SELECT 1 AS found FROM api_keys LIMIT 1").first()) === null;
}
