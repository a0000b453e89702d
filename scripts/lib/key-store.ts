// Creates, lists and revokes API keys directly in D1. Only the key's hash is stored; the
// key itself is shown once, at creation.
import { generateApiKey, hashApiKey, keyPrefix } from "../../src/accounts/keys.ts";
import { newId } from "../../src/lib/ids.ts";
import { d1Query, sqlString, type D1Target } from "./d1-local.ts";

export interface CreatedKey {
  accountId: string;
  keyId: string;
  key: string;
}

export async function createKey(target: D1Target, opts: { account: string; name?: string }): Promise<CreatedKey> {
  // `account` is an existing account id, or the name of an account to find or create.
  const existing = await d1Query<{ id: string }>(
    target,
    `SELECT id FROM accounts WHERE id = ${sqlString(opts.account)} OR name = ${sqlString(opts.account)} LIMIT 1`,
  );
  const now = Date.now();
  let accountId = existing[0]?.id;
  const statements: string[] = [];
  if (!accountId) {
    accountId = newId.account();
    statements.push(
      `INSERT INTO accounts (id, name, created_at) VALUES (${sqlString(accountId)}, ${sqlString(opts.account)}, ${now})`,
    );
  }
  const key = generateApiKey();
  const keyId = newId.apiKey();
  statements.push(
    `INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at) VALUES (${[
      keyId,
      accountId,
      opts.name ?? "default",
      keyPrefix(key),
      await hashApiKey(key),
    ]
      .map(sqlString)
      .join(", ")}, ${now})`,
  );
  await d1Query(target, statements.join(";\n"));
  return { accountId, keyId, key };
}

export interface KeyListing {
  id: string;
  account_id: string;
  account_name: string;
  name: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

export function listKeys(target: D1Target): Promise<KeyListing[]> {
  return d1Query<KeyListing>(
    target,
    `SELECT k.id, k.account_id, a.name AS account_name, k.name, k.prefix, k.created_at, k.revoked_at
       FROM api_keys k JOIN accounts a ON a.id = k.account_id ORDER BY k.created_at`,
  );
}

/** Revokes by key id or by the key itself; returns how many keys were revoked. */
export async function revokeKey(target: D1Target, idOrKey: string): Promise<number> {
  const hash = await hashApiKey(idOrKey);
  const rows = await d1Query<{ id: string }>(
    target,
    `UPDATE api_keys SET revoked_at = ${Date.now()}
      WHERE (id = ${sqlString(idOrKey)} OR key_hash = ${sqlString(hash)}) AND revoked_at IS NULL RETURNING id`,
  );
  return rows.length;
}

export async function keyIsActive(target: D1Target, key: string): Promise<boolean> {
  const rows = await d1Query(
    target,
    `SELECT id FROM api_keys WHERE key_hash = ${sqlString(await hashApiKey(key))} AND revoked_at IS NULL`,
  );
  return rows.length > 0;
}
