// Project zips: the source is stored in R2, then unpacked file by file under the asset's
// prefix. The D1 row is written (or marked ready) last, so a failure at any step leaves
// nothing behind.
import { eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { assets, type AssetRow } from "../db/schema.ts";
import { newId } from "../lib/ids.ts";
import { sha256Hex } from "../lib/hash.ts";
import { contentTypeFor } from "./project-paths.ts";
import { deletePrefix, r2Keys } from "./layout.ts";
import { DEFAULT_UNPACK_LIMITS, unpackZip, type UnpackSummary } from "./unpack.ts";
import { checkStoredDirectory } from "./zip-directory.ts";

/** Unpacks the asset's stored source.zip, streaming from R2. Removes partial files on failure. */
export async function unpackStoredSource(env: Env, assetId: string): Promise<UnpackSummary> {
  // Links and unsafe names are refused from the directory, before a single file is written.
  await checkStoredDirectory(env.BUCKET, r2Keys.assetSource(assetId));
  const source = await env.BUCKET.get(r2Keys.assetSource(assetId));
  if (!source) throw new Error(`asset ${assetId} has no stored source`);
  try {
    return await unpackZip(
      source.body,
      { ...DEFAULT_UNPACK_LIMITS, maxUnpackedBytes: configFrom(env).maxUnpackedBytes },
      async (file) => {
        await env.BUCKET.put(r2Keys.assetFile(assetId, file.path), file.bytes, {
          httpMetadata: { contentType: contentTypeFor(file.path) },
        });
      },
    );
  } catch (err) {
    await deletePrefix(env.BUCKET, r2Keys.assetFilesPrefix(assetId));
    throw err;
  }
}

export interface ProjectUpload {
  accountId: string;
  filename: string;
  body: Blob;
}

/** A whole zip in hand (multipart or base64): store, unpack, record. */
export async function storeProject(env: Env, upload: ProjectUpload): Promise<AssetRow> {
  const assetId = newId.asset();
  try {
    const checksum = await sha256Hex(await upload.body.arrayBuffer());
    const stored = await env.BUCKET.put(r2Keys.assetSource(assetId), upload.body, {
      httpMetadata: { contentType: "application/zip" },
      sha256: checksum,
    });
    const summary = await unpackStoredSource(env, assetId);
    const row: AssetRow = {
      id: assetId,
      accountId: upload.accountId,
      status: "ready",
      filename: upload.filename,
      mimeType: "application/zip",
      sizeBytes: stored.size,
      sha256: checksum,
      expectedSha256: null,
      uploadExpiresAt: null,
      fileCount: summary.paths.length,
      unpackedBytes: summary.unpackedBytes,
      createdAt: Date.now(),
    };
    await db(env.DB).insert(assets).values(row);
    return row;
  } catch (err) {
    await deletePrefix(env.BUCKET, r2Keys.assetPrefix(assetId));
    throw err;
  }
}

/** Removes an asset whole: every R2 object under its prefix and its D1 row. */
export async function discardAsset(env: Env, assetId: string): Promise<void> {
  await deletePrefix(env.BUCKET, r2Keys.assetPrefix(assetId));
  await db(env.DB).delete(assets).where(eq(assets.id, assetId));
}

/** Marks a directly uploaded asset ready after unpacking it; undoes everything if it is invalid. */
export async function finishDirectUpload(env: Env, asset: AssetRow, sha256: string, size: number): Promise<AssetRow> {
  try {
    const summary = await unpackStoredSource(env, asset.id);
    const ready = { status: "ready", sha256, sizeBytes: size, fileCount: summary.paths.length, unpackedBytes: summary.unpackedBytes };
    await db(env.DB).update(assets).set(ready).where(eq(assets.id, asset.id));
    return { ...asset, ...ready };
  } catch (err) {
    await deletePrefix(env.BUCKET, r2Keys.assetPrefix(asset.id));
    await db(env.DB).delete(assets).where(eq(assets.id, asset.id));
    throw err;
  }
}
