import { and, asc, eq } from "drizzle-orm";
import type { MediaDb } from "./client";
import { media, uploadParts, uploads } from "./schema";

export type UploadRow = typeof uploads.$inferSelect;
export type PartRow = typeof uploadParts.$inferSelect;

export async function insertUpload(db: MediaDb, row: UploadRow): Promise<void> {
  await db.insert(uploads).values(row);
}

/** An upload with what its media row says of the file (type, declared size, expiry). */
export async function findUpload(db: MediaDb, id: string) {
  const [row] = await db
    .select({
      upload: uploads,
      contentType: media.contentType,
      size: media.size,
      expiresAt: media.expiresAt,
    })
    .from(uploads)
    .innerJoin(media, eq(media.id, uploads.mediaId))
    .where(eq(uploads.id, id))
    .limit(1);
  return row;
}
export type UploadWithMedia = NonNullable<Awaited<ReturnType<typeof findUpload>>>;

/** Records a part R2 has; sending a part again replaces it (R2 keeps the newest too). */
export async function upsertPart(
  db: MediaDb,
  part: PartRow,
  mediaId: string,
  expiresAt: number,
): Promise<void> {
  await db.batch([
    db
      .insert(uploadParts)
      .values(part)
      .onConflictDoUpdate({
        target: [uploadParts.uploadId, uploadParts.partNumber],
        set: { etag: part.etag, size: part.size, uploadedAt: part.uploadedAt },
      }),
    db
      .update(media)
      .set({ expiresAt })
      .where(and(eq(media.id, mediaId), eq(media.status, "uploading"))),
  ]);
}

export async function listParts(db: MediaDb, uploadId: string): Promise<PartRow[]> {
  return db
    .select()
    .from(uploadParts)
    .where(eq(uploadParts.uploadId, uploadId))
    .orderBy(asc(uploadParts.partNumber));
}

/** The upload is done: its media is ready, its parts' etags are no longer needed. */
export async function finishUpload(
  db: MediaDb,
  upload: UploadRow,
  dimensions: { width: number; height: number } | null,
): Promise<void> {
  await db.batch([
    db
      .update(media)
      .set({ status: "ready", expiresAt: null, width: dimensions?.width, height: dimensions?.height })
      .where(eq(media.id, upload.mediaId)),
    db.update(uploads).set({ status: "completed" }).where(eq(uploads.id, upload.id)),
    db.delete(uploadParts).where(eq(uploadParts.uploadId, upload.id)),
  ]);
}
