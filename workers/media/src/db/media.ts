import { and, eq, gt, inArray, lte, or, sql } from "drizzle-orm";
import { statementOf } from "../../../../lib/events/outbox";
import type { MediaDb } from "./client";
import { media, uploads } from "./schema";

export type MediaRow = typeof media.$inferSelect;
export type NewMediaRow = Pick<
  MediaRow,
  "id" | "ownerId" | "contentType" | "size" | "filename" | "createdAt" | "expiresAt"
>;

/** The bytes a user's quota holds now: finished files and the unexpired uploads in progress. */
function usageOf(db: MediaDb, ownerId: string, now: number) {
  return db
    .select({ bytes: sql<number>`coalesce(sum(${media.size}), 0)` })
    .from(media)
    .where(and(eq(media.ownerId, ownerId), or(eq(media.status, "ready"), gt(media.expiresAt, now))));
}

export async function usedBytes(db: MediaDb, ownerId: string, now: number): Promise<number> {
  const [row] = await usageOf(db, ownerId, now);
  return row?.bytes ?? 0;
}

/**
 * Inserts an upload's row if the owner's quota still has room for it, in one statement: two
 * uploads racing for the last bytes of a quota cannot both pass. False when there is no room.
 */
export async function reserveMedia(db: MediaDb, row: NewMediaRow, quotaBytes: number, now: number) {
  const result = await db.run(sql`
    INSERT INTO media (id, owner_id, content_type, size, status, filename, created_at, expires_at)
    SELECT ${row.id}, ${row.ownerId}, ${row.contentType}, ${row.size}, 'uploading', ${row.filename},
      ${row.createdAt}, ${row.expiresAt}
    WHERE (${usageOf(db, row.ownerId, now)}) + ${row.size} <= ${quotaBytes}`);
  return result.meta.changes === 1;
}

export async function findMedia(db: MediaDb, id: string): Promise<MediaRow | undefined> {
  return db.query.media.findFirst({ where: eq(media.id, id) });
}

/** Marks an upload's file complete; false when its row is gone (deleted, or expired and swept). */
export async function markReady(
  db: MediaDb,
  id: string,
  dimensions: { width: number; height: number } | null,
): Promise<boolean> {
  const rows = await db
    .update(media)
    .set({ status: "ready", expiresAt: null, width: dimensions?.width, height: dimensions?.height })
    .where(and(eq(media.id, id), eq(media.status, "uploading")))
    .returning({ id: media.id });
  return rows.length === 1;
}

/** Deletes a media row; its upload and parts go with it (foreign keys cascade). */
export async function deleteMediaRow(db: MediaDb, id: string): Promise<void> {
  await db.delete(media).where(eq(media.id, id));
}

/** The same delete as a statement, to run in a batch with the events it makes (the outbox). */
export function deleteMediaRowStatement(db: MediaDb, id: string): D1PreparedStatement {
  return statementOf(db.$client, db.delete(media).where(eq(media.id, id)));
}

export async function findOwnedReady(db: MediaDb, ownerId: string, ids: string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(media)
    .where(and(eq(media.ownerId, ownerId), eq(media.status, "ready"), inArray(media.id, ids)));
}

/** Uploads whose time ran out, with the R2 multipart upload each one holds (if resumable). */
export async function findExpired(db: MediaDb, now: number, limit: number) {
  return db
    .select({ id: media.id, r2UploadId: uploads.r2UploadId })
    .from(media)
    .leftJoin(uploads, eq(uploads.mediaId, media.id))
    .where(and(eq(media.status, "uploading"), lte(media.expiresAt, now)))
    .limit(limit);
}
