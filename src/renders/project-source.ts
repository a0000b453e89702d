// Turns a render request's `project` into a ready asset: an existing upload of this account,
// an inline base64 zip, or a zip fetched from a public https URL (safely: no private hosts,
// a size cap enforced while streaming, a time limit, and redirects checked hop by hop).
import { and, eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { assets } from "../db/schema.ts";
import { ApiError } from "../api/errors.ts";
import { tooLarge } from "../api/assets.ts";
import type { CreateRenderRequest } from "../api/schemas.ts";
import { storeProject } from "../assets/store-project.ts";
import { checkOutboundUrl } from "../lib/url-safety.ts";
import { concatBytes } from "../lib/bytes.ts";
import { fromBase64 } from "../lib/base64.ts";

const MAX_REDIRECTS = 3;

async function existingAsset(env: Env, accountId: string, assetId: string): Promise<string> {
  const asset = await db(env.DB)
    .select({ id: assets.id, status: assets.status })
    .from(assets)
    .where(and(eq(assets.id, assetId), eq(assets.accountId, accountId)))
    .get();
  if (!asset || asset.status !== "ready") {
    throw new ApiError(404, "asset_not_found", `asset '${assetId}' was not found`, "project.asset_id");
  }
  return asset.id;
}

function decodeBase64Zip(data: string, max: number): Uint8Array {
  const clean = data.replace(/\s+/g, "");
  if (Math.floor((clean.length * 3) / 4) > max) throw tooLarge(max, "project.data");
  try {
    return fromBase64(clean);
  } catch {
    throw new ApiError(400, "invalid_parameter", "project.data is not valid base64", "project.data");
  }
}

async function fetchZip(env: Env, raw: string): Promise<Uint8Array> {
  const config = configFrom(env);
  const fail = (why: string) => new ApiError(400, "hyperframes_project_invalid", `project.url ${why}`, "project.url");
  let target = raw;
  for (let hop = 0; ; hop++) {
    const check = checkOutboundUrl(target, config.allowLocalUrls);
    if (!check.ok) throw new ApiError(400, "invalid_parameter", `project.url ${check.reason}`, "project.url");
    let res: Response;
    try {
      res = await fetch(check.url, { redirect: "manual", signal: AbortSignal.timeout(config.urlFetchTimeoutMs) });
    } catch (err) {
      throw fail(`could not be fetched: ${(err as Error).name === "TimeoutError" ? "timed out" : (err as Error).message}`);
    }
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      if (hop >= MAX_REDIRECTS) throw fail(`redirected more than ${MAX_REDIRECTS} times`);
      target = new URL(location, check.url).toString();
      continue;
    }
    if (!res.ok || !res.body) throw fail(`answered HTTP ${res.status}`);
    if (Number(res.headers.get("content-length") ?? 0) > config.maxProjectBytes) throw tooLarge(config.maxProjectBytes, "project.url");
    // Count bytes as they arrive: Content-Length may be absent or wrong.
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > config.maxProjectBytes) {
        await reader.cancel();
        throw tooLarge(config.maxProjectBytes, "project.url");
      }
      chunks.push(value);
    }
    return concatBytes(chunks, size);
  }
}

export async function projectAsset(env: Env, accountId: string, project: CreateRenderRequest["project"]): Promise<string> {
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
