// Direct uploads: the client asks for a signed, expiring PUT URL, sends the zip straight to
// it (no API key), then calls complete, which verifies size and checksum and unpacks once.
import { and, eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import { db } from "../db/client.ts";
import { assets, type AssetRow } from "../db/schema.ts";
import { DomainError } from "../core/errors.ts";
import { newId } from "../lib/ids.ts";
import { checkSignedPath, signPath } from "../lib/signing.ts";
import { sha256OfStream } from "../lib/hash.ts";
import { r2Keys } from "./layout.ts";
import { finishDirectUpload } from "./store-project.ts";
import { isZipMediaType } from "./zip-media-type.ts";

const PURPOSE = "upload";
export const UPLOAD_PATH_PREFIX = "/v1/uploads/";

export interface DirectUploadRequest {
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string | null;
}

export async function createDirectUpload(env: Env, accountId: string, origin: string, req: DirectUploadRequest) {
  const config = configFrom(env);
  const id = newId.asset();
  const ttl = config.signedUrlTtlSeconds;
  const now = Date.now();
  await db(env.DB).insert(assets).values({
    id,
    accountId,
    status: "pending_upload",
    filename: req.filename,
    mimeType: req.contentType,
    sizeBytes: req.sizeBytes,
    sha256: null,
    expectedSha256: req.sha256,
    uploadExpiresAt: now + ttl * 1000,
    fileCount: 0,
    unpackedBytes: 0,
    createdAt: now,
  });
  const path = UPLOAD_PATH_PREFIX + id;
  const { exp, sig } = await signPath(config.signingSecret, PURPOSE, path, ttl, now);
  return {
    asset_id: id,
    upload_url: `${origin}${path}?exp=${exp}&sig=${sig}`,
    upload_headers: { "Content-Type": req.contentType },
    expires_in_seconds: ttl,
    max_bytes: config.maxProjectBytes,
    status: "pending_upload",
  };
}

async function pendingAsset(env: Env, assetId: string, accountId?: string): Promise<AssetRow> {
  const where = accountId ? and(eq(assets.id, assetId), eq(assets.accountId, accountId)) : eq(assets.id, assetId);
  const asset = await db(env.DB).select().from(assets).where(where).get();
  if (!asset) throw new DomainError("not_found", "asset_not_found", `asset '${assetId}' was not found`, "asset_id");
  return asset;
}

function checkNotExpired(asset: AssetRow): void {
  if (asset.status === "pending_upload" && (asset.uploadExpiresAt ?? 0) < Date.now()) {
    throw new DomainError("gone", "upload_expired", `the upload URL for asset '${asset.id}' has expired; create a new direct upload`);
  }
}

/** The PUT to the signed upload URL: streams the body into R2, checking size (and checksum if promised). */
export async function receiveUpload(env: Env, request: Request, assetId: string, exp?: string, sig?: string) {
  const check = await checkSignedPath(configFrom(env).signingSecret, PURPOSE, UPLOAD_PATH_PREFIX + assetId, exp, sig);
  if (!check.ok) {
    throw check.reason === "expired"
      ? new DomainError("gone", "upload_expired", "this upload URL has expired; create a new direct upload")
      : new DomainError("forbidden", "signature_invalid", "this upload URL is not valid");
  }
  const asset = await pendingAsset(env, assetId);
  checkNotExpired(asset);
  // The announced type was a zip; bytes sent as something else are not the project.
  const contentType = request.headers.get("content-type");
  if (contentType && !isZipMediaType(contentType)) {
    throw new DomainError("invalid", "invalid_request",
      `upload Content-Type '${contentType.slice(0, 100)}' is not a zip archive; send the project zip with upload_headers`,
      "content_type",
    );
  }
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (!Number.isSafeInteger(length) || length !== asset.sizeBytes || !request.body) {
    throw new DomainError("invalid", "upload_size_mismatch",
      `upload is ${Number.isNaN(length) ? "of unknown size (send Content-Length)" : `${length} bytes`}; size_bytes promised ${asset.sizeBytes}`,
      "size_bytes",
    );
  }
  if (asset.status === "ready") {
    // A client retrying the whole upload (same Idempotency-Key) PUTs the same bytes again:
    // accept them if they match what was completed, and keep the stored copy.
    const digest = await sha256OfStream(request.body);
    if (digest !== asset.sha256) {
      throw new DomainError("conflict", "invalid_request", `asset '${assetId}' is already complete with different bytes`);
    }
    return;
  }
  try {
    await env.BUCKET.put(r2Keys.assetSource(assetId), request.body, {
      httpMetadata: { contentType: "application/zip" },
      ...(asset.expectedSha256 ? { sha256: asset.expectedSha256 } : {}),
    });
  } catch (err) {
    if (asset.expectedSha256 && /sha-?256|checksum|digest/i.test(String(err))) {
      throw new DomainError("invalid", "checksum_mismatch", "uploaded bytes do not match checksum_sha256", "checksum_sha256");
    }
    throw err;
  }
}

export async function completeUpload(env: Env, accountId: string, assetId: string, checksum: string | null): Promise<AssetRow> {
  const asset = await pendingAsset(env, assetId, accountId);
  if (asset.status === "ready") {
    if (checksum && asset.sha256 !== checksum) {
      throw new DomainError("invalid", "checksum_mismatch", "checksum_sha256 does not match the uploaded bytes", "checksum_sha256");
    }
    return asset; // complete is idempotent
  }
  checkNotExpired(asset);
  const object = await env.BUCKET.get(r2Keys.assetSource(assetId));
  if (!object) {
    throw new DomainError("conflict", "upload_not_received", `nothing has been uploaded for asset '${assetId}' yet; PUT the zip to upload_url first`);
  }
  if (object.size !== asset.sizeBytes) {
    throw new DomainError("invalid", "upload_size_mismatch", `uploaded ${object.size} bytes; size_bytes promised ${asset.sizeBytes}`, "size_bytes");
  }
  const actual = await sha256OfStream(object.body);
  const expected = checksum ?? asset.expectedSha256;
  if (expected && expected !== actual) {
    await env.BUCKET.delete(r2Keys.assetSource(assetId));
    throw new DomainError("invalid", "checksum_mismatch", "checksum_sha256 does not match the uploaded bytes; upload again", "checksum_sha256");
  }
  return finishDirectUpload(env, asset, actual, object.size);
}
