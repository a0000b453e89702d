// Turns a render request's `project` into a ready asset: an existing upload of this account,
// an inline base64 zip, or a zip fetched from a public https URL (see lib/safe-fetch.ts).
import { and, eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { assets } from "../db/schema.ts";
import { DomainError } from "../core/errors.ts";
import { tooLarge } from "../core/errors.ts";
import { storeProject } from "../assets/store-project.ts";
import { fetchLimited, FetchProblem } from "../lib/safe-fetch.ts";
import { fromBase64 } from "../lib/base64.ts";

async function existingAsset(env: Env, accountId: string, assetId: string): Promise<string> {
  const asset = await db(env.DB)
    .select({ id: assets.id, status: assets.status })
    .from(assets)
    .where(and(eq(assets.id, assetId), eq(assets.accountId, accountId)))
    .get();
  if (!asset || asset.status !== "ready") {
    throw new DomainError("not_found", "asset_not_found", `asset '${assetId}' was not found`, "project.asset_id");
  }
  return asset.id;
}

function decodeBase64Zip(data: string, max: number): Uint8Array {
  const clean = data.replace(/\s+/g, "");
  if (Math.floor((clean.length * 3) / 4) > max) throw tooLarge(max, "project.data");
  try {
    return fromBase64(clean);
  } catch {
    throw new DomainError("invalid", "invalid_parameter", "project.data is not valid base64", "project.data");
  }
}

async function fetchZip(env: Env, raw: string): Promise<Uint8Array> {
  const config = configFrom(env);
  try {
    const { bytes } = await fetchLimited(raw, {
      maxBytes: config.maxProjectBytes,
      timeoutMs: config.urlFetchTimeoutMs,
      allowLocal: config.allowLocalUrls,
    });
    return bytes;
  } catch (err) {
    if (!(err instanceof FetchProblem)) throw err;
    if (err.kind === "too_large") throw tooLarge(config.maxProjectBytes, "project.url");
    if (err.kind === "url_refused") throw new DomainError("invalid", "invalid_parameter", `project.url ${err.message}`, "project.url");
    throw new DomainError("invalid", "invalid_source", `project.url ${err.message}`, "project.url");
  }
}

export type ProjectSource =
  | { type: "asset_id"; asset_id: string }
  | { type: "base64"; data: string }
  | { type: "url"; url: string };

export async function projectAsset(env: Env, accountId: string, project: ProjectSource): Promise<string> {
  switch (project.type) {
    case "asset_id":
      return existingAsset(env, accountId, project.asset_id);
    case "base64": {
      const bytes = decodeBase64Zip(project.data, configFrom(env).maxProjectBytes);
      return (await storeProject(env, { accountId, filename: "project.zip", body: new Blob([bytes]) })).id;
    }
    case "url": {
      const bytes = await fetchZip(env, project.url);
      const filename = new URL(project.url).pathname.split("/").pop() || "project.zip";
      return (await storeProject(env, { accountId, filename, body: new Blob([bytes]) })).id;
    }
  }
}
