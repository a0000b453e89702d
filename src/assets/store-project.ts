// Stores an uploaded project zip: the source in R2, each file unpacked under the asset's
// prefix, and the D1 row last, so a failure at any step leaves nothing behind.
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { assets, type AssetRow } from "../db/schema.ts";
import { newId } from "../lib/ids.ts";
import { contentTypeFor } from "./project-paths.ts";
import { deletePrefix, r2Keys } from "./layout.ts";
import { DEFAULT_UNPACK_LIMITS, unpackZip } from "./unpack.ts";

export interface ProjectUpload {
  accountId: string;
  filename: string;
  /** The zip bytes; read twice (store, then unpack), so a Blob rather than a one-shot stream. */
  body: Blob;
}

export async function storeProject(env: Env, upload: ProjectUpload): Promise<AssetRow> {
  const config = configFrom(env);
  const assetId = newId.asset();
  try {
    const summary = await unpackZip(
      upload.body.stream(),
      { ...DEFAULT_UNPACK_LIMITS, maxUnpackedBytes: config.maxUnpackedBytes },
      async (file) => {
        await env.BUCKET.put(r2Keys.assetFile(assetId, file.path), file.bytes, {
          httpMetadata: { contentType: contentTypeFor(file.path) },
        });
      },
    );
    const checksum = await sha256(upload.body);
    const stored = await env.BUCKET.put(r2Keys.assetSource(assetId), upload.body, {
      httpMetadata: { contentType: "application/zip" },
      sha256: checksum,
    });
    const row: AssetRow = {
      id: assetId,
      accountId: upload.accountId,
      status: "ready",
      filename: upload.filename,
      mimeType: "application/zip",
      sizeBytes: stored.size,
      sha256: checksum,
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

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
