// Test fixtures built through the same modules the product uses.
import { env, SELF } from "cloudflare:test";
import { zipSync, strToU8 } from "fflate";
import { generateApiKey, hashApiKey, keyPrefix } from "../../src/accounts/keys.ts";
import { newId } from "../../src/lib/ids.ts";
import { db } from "../../src/db/client.ts";
import { accounts, apiKeys } from "../../src/db/schema.ts";

export interface TestAccount {
  accountId: string;
  keyId: string;
  key: string;
}

export async function createAccount(name = "test"): Promise<TestAccount> {
  const accountId = newId.account();
  const keyId = newId.apiKey();
  const key = generateApiKey();
  const now = Date.now();
  await db(env.DB).insert(accounts).values({ id: accountId, name, createdAt: now });
  await db(env.DB)
    .insert(apiKeys)
    .values({ id: keyId, accountId, name: "test", prefix: keyPrefix(key), keyHash: await hashApiKey(key), createdAt: now });
  return { accountId, keyId, key };
}

export { MINIMAL_COMPOSITION } from "../fixtures/compositions.ts";
import { MINIMAL_COMPOSITION } from "../fixtures/compositions.ts";

export function zipOf(files: Record<string, string | Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === "string" ? strToU8(v) : v])));
}

export function api(key: string | null, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set("x-api-key", key);
  return SELF.fetch(`https://reelflare.test${path}`, { ...init, headers });
}

export async function uploadZip(key: string, zip: Uint8Array | Blob, filename = "project.zip"): Promise<Response> {
  const form = new FormData();
  form.set("file", zip instanceof Blob ? zip : new Blob([zip]), filename);
  return api(key, "/v3/assets", { method: "POST", body: form });
}

export async function uploadProject(key: string, files: Record<string, string> = { "index.html": MINIMAL_COMPOSITION }) {
  const res = await uploadZip(key, zipOf(files));
  const body = (await res.json()) as { data: { asset_id: string } };
  if (res.status !== 200) throw new Error(`upload failed: ${JSON.stringify(body)}`);
  return body.data.asset_id;
}

export async function createRender(key: string, body: unknown): Promise<Response> {
  return api(key, "/v3/hyperframes/renders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export async function r2Keys(prefix = ""): Promise<string[]> {
  const listed = await env.BUCKET.list({ prefix });
  return listed.objects.map((o) => o.key);
}
