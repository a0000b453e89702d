// D1 holds metadata only; bytes live in R2 and live render state in the RenderJob DO.
// Timestamps are unix milliseconds.
import type { JsonValue, OutputFile } from "../jobs/render-state.ts";
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  // Standard Webhooks signing secret ("whsec_" + base64), created with the account's first use.
  webhookSecret: text("webhook_secret"),
  createdAt: integer("created_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    // First characters of the key, shown in listings so a user can tell keys apart.
    prefix: text("prefix").notNull(),
    // SHA-256 of the full key; keys are high-entropy random strings, so a fast hash suffices.
    keyHash: text("key_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.keyHash), index("api_keys_account_idx").on(t.accountId)],
);

export const assets = sqliteTable(
  "assets",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    // pending_upload → ready (unpacked) | failed
    status: text("status").notNull(),
    filename: text("filename").notNull(),
    mimeType: text("mime_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256"),
    // Direct uploads: the checksum promised at creation and when the upload URL expires.
    expectedSha256: text("expected_sha256"),
    uploadExpiresAt: integer("upload_expires_at"),
    fileCount: integer("file_count").notNull().default(0),
    unpackedBytes: integer("unpacked_bytes").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("assets_account_idx").on(t.accountId, t.createdAt)],
);

export const renders = sqliteTable(
  "renders",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    assetId: text("asset_id")
      .notNull()
      .references(() => assets.id),
    // The API dialect that created it (hyperframes | varg); an account sees renders of both.
    dialect: text("dialect").notNull().default("hyperframes"),
    // Mirror of the RenderJob DO's status: queued | rendering | completed | failed
    status: text("status").notNull(),
    // video | stills (one image per clip, no video)
    outputKind: text("output_kind").notNull().default("video"),
    title: text("title"),
    callbackId: text("callback_id"),
    callbackUrl: text("callback_url"),
    composition: text("composition").notNull(),
    fps: integer("fps").notNull(),
    quality: text("quality").notNull(),
    format: text("format").notNull(),
    resolution: text("resolution").notNull(),
    aspectRatio: text("aspect_ratio"),
    variables: text("variables", { mode: "json" }).$type<Record<string, JsonValue>>(),
    width: integer("width"),
    height: integer("height"),
    duration: real("duration"),
    frameCount: integer("frame_count"),
    progress: real("progress").notNull().default(0),
    outputKey: text("output_key"),
    thumbnailKey: text("thumbnail_key"),
    outputBytes: integer("output_bytes"),
    failureMessage: text("failure_message"),
    failureCategory: text("failure_category"),
    // Files besides the video (stills, generated assets): R2 keys with their media types.
    files: text("files", { mode: "json" }).$type<OutputFile[]>(),
    // What the render noticed but did not fail on (e.g. requests refused by the sandbox).
    warnings: text("warnings", { mode: "json" }).$type<string[]>(),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    completedAt: integer("completed_at"),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("renders_account_created_idx").on(t.accountId, t.createdAt)],
);

// Idempotency-Key records, per account and endpoint. While `responseStatus` is null the first
// request is still running.
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    accountId: text("account_id").notNull(),
    endpoint: text("endpoint").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.endpoint, t.key] }), index("idempotency_expires_idx").on(t.expiresAt)],
);

// Every webhook delivery attempt, readable through the API.
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    renderId: text("render_id").notNull(),
    accountId: text("account_id").notNull(),
    attempt: integer("attempt").notNull(),
    url: text("url").notNull(),
    event: text("event").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("webhook_attempts_render_idx").on(t.renderId, t.createdAt)],
);

export type AccountRow = typeof accounts.$inferSelect;
export type AssetRow = typeof assets.$inferSelect;
export type RenderRow = typeof renders.$inferSelect;
