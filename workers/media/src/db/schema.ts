import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Times are milliseconds since the epoch; sizes are bytes. */

/** Events stored with the changes they describe, until sent (lib/events/outbox.ts). */
export { outbox } from "../../../../lib/events/outbox";

/**
 * One stored file. A row exists from the moment an upload reserves its share of the quota
 * (`uploading`) and is `ready` once its bytes are complete in R2 (key `media/<id>`).
 */
export const media = sqliteTable(
  "media",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    contentType: text("content_type").notNull(),
    /** The declared size while uploading; the stored size once ready (the same by construction). */
    size: integer("size").notNull(),
    width: integer("width"),
    height: integer("height"),
    status: text("status", { enum: ["uploading", "ready"] }).notNull(),
    /** The client's name for the file (resumable uploads); kept private to its owner. */
    filename: text("filename"),
    createdAt: integer("created_at").notNull(),
    /** Until when an unfinished upload holds its share of the quota; null once ready. */
    expiresAt: integer("expires_at"),
  },
  (table) => [
    // Covers the quota sum: a user's rows by status and expiry, with their sizes.
    index("media_owner_usage_idx").on(table.ownerId, table.status, table.expiresAt, table.size),
    // The hourly sweep of abandoned uploads.
    index("media_expiry_idx").on(table.status, table.expiresAt),
  ],
);

/** A resumable upload: an R2 multipart upload of one media row, in parts of `partSize` bytes. */
export const uploads = sqliteTable("uploads", {
  id: text("id").primaryKey(),
  mediaId: text("media_id")
    .notNull()
    .unique()
    .references(() => media.id, { onDelete: "cascade" }),
  ownerId: text("owner_id").notNull(),
  r2UploadId: text("r2_upload_id").notNull(),
  partSize: integer("part_size").notNull(),
  /** Completed uploads stay (until their media is deleted) so that completing twice is harmless. */
  status: text("status", { enum: ["open", "completed"] }).notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Each part R2 has received, with the etag that completing the upload needs. */
export const uploadParts = sqliteTable(
  "upload_parts",
  {
    uploadId: text("upload_id")
      .notNull()
      .references(() => uploads.id, { onDelete: "cascade" }),
    partNumber: integer("part_number").notNull(),
    etag: text("etag").notNull(),
    size: integer("size").notNull(),
    uploadedAt: integer("uploaded_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.uploadId, table.partNumber] })],
);
