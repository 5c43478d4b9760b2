import { AppError } from "../../../lib/errors";
import { commitWithEvents } from "../../../lib/events/outbox";
import { domainEvent, type EventContext } from "../../../lib/events/publish";
import {
  deleteMediaRow,
  deleteMediaRowStatement,
  findMedia,
  findOwnedReady,
  type MediaRow,
  markReady,
} from "./db/media";
import type { MediaDeps } from "./deps";
import { asMediaType } from "./file-types";
import { newMediaId } from "./ids";
import { declaredLength, MAX_SINGLE_UPLOAD_BYTES, PREFIX_BYTES, SINGLE_UPLOAD_TTL_MS } from "./limits";
import { acceptedType, imageDimensions, requireMatchingBytes } from "./probe";
import { reserveQuota } from "./quota";
import type { Media, OwnedMedia } from "./schemas";
import { allVariantKeys, originalKey } from "./storage";
import { openBody, storing } from "./streams";

/** Where a media's bytes are, relative to the API origin (the gateway's). */
export const contentUrl = (id: string) => `/v1/media/${id}/content`;

export function toMedia(row: MediaRow): Media {
  return {
    id: row.id,
    contentType: asMediaType(row.contentType),
    size: row.size,
    ...(row.width !== null && { width: row.width }),
    ...(row.height !== null && { height: row.height }),
    url: contentUrl(row.id),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

const noSuchMedia = () => new AppError("not_found", "no such media");

/** A file sent whole in one request: checked, counted against the quota, streamed to R2. */
export interface FileUpload {
  contentType: string | undefined;
  contentLength: string | undefined;
  body: ReadableStream<Uint8Array> | null;
}

/**
 * Stores a file sent in one request. The headers are checked before any byte is read, the first
 * bytes before the quota is touched, and the row that reserves the quota is written before the
 * bytes, so a failed or abandoned upload gives its share back (at once, or when it expires).
 */
export async function uploadFile(deps: MediaDeps, ownerId: string, upload: FileUpload): Promise<Media> {
  const type = acceptedType(upload.contentType);
  const size = declaredLength(upload.contentLength, MAX_SINGLE_UPLOAD_BYTES);
  const body = await openBody(upload.body, size, PREFIX_BYTES);
  requireMatchingBytes(type, body.prefix);

  const id = newMediaId();
  const row = { id, ownerId, contentType: type, size, filename: null, createdAt: deps.now };
  await reserveQuota(deps, { ...row, expiresAt: deps.now + SINGLE_UPLOAD_TTL_MS });
  try {
    await storing(body, () =>
      deps.bucket.put(originalKey(id), body.stream, {
        httpMetadata: { contentType: type },
        customMetadata: { ownerId },
      }),
    );
  } catch (error) {
    await deleteMediaRow(deps.db, id);
    throw error;
  }

  const dimensions = await imageDimensions(deps.images, type, body.prefix, async () => {
    const object = await deps.bucket.get(originalKey(id));
    return object?.body ?? null;
  });
  if (!(await markReady(deps.db, id, dimensions))) {
    // Swept as abandoned while its bytes were still arriving (an hour or more).
    await deps.bucket.delete(originalKey(id));
    throw new AppError("conflict", "the upload took too long and expired; send it again");
  }
  return toMedia({
    ...row,
    status: "ready",
    expiresAt: null,
    width: dimensions?.width ?? null,
    height: dimensions?.height ?? null,
  });
}

/** A fully uploaded media's metadata; anyone who has its id may read it. */
export async function mediaMetadata(deps: MediaDeps, id: string): Promise<Media> {
  const row = await findMedia(deps.db, id);
  if (row?.status !== "ready") throw noSuchMedia();
  return toMedia(row);
}

/**
 * Deletes a media, its file and its variants. Only the owner may: anyone else gets 403, since the
 * media is public by URL and pretending it does not exist would hide nothing. Then `media.deleted`
 * tells the posts service to drop it from the posts that show it.
 */
export async function deleteOwnMedia(deps: MediaDeps, events: EventContext, id: string): Promise<void> {
  const row = await findMedia(deps.db, id);
  if (row?.status !== "ready") throw noSuchMedia();
  if (row.ownerId !== events.actorId) throw new AppError("forbidden", "only its owner can delete a media");
  // The bytes first: if this fails, the row stays and the owner can try again.
  await deps.bucket.delete([originalKey(id), ...allVariantKeys(id)]);
  // The row and its event in one transaction; a delete that lost a race stores no event.
  await commitWithEvents(
    deps.outbox,
    [deleteMediaRowStatement(deps.db, id)],
    [domainEvent("media.deleted", { mediaId: id, ownerId: row.ownerId }, events)],
    { ifChanged: true },
  );
}

/** For the posts service: which of `ids` are this user's, fully uploaded, in the order asked. */
export async function ownedMedia(deps: MediaDeps, ownerId: string, ids: string[]): Promise<OwnedMedia[]> {
  const rows = await findOwnedReady(deps.db, ownerId, [...new Set(ids)]);
  const byId = new Map(rows.map((row) => [row.id, toMedia(row)]));
  return [...new Set(ids)].flatMap((id) => {
    const media = byId.get(id);
    return media ? [{ id: media.id, contentType: media.contentType, url: media.url }] : [];
  });
}
