import { AppError } from "../../../lib/errors";
import { describeError, log } from "../../../lib/logging";
import { deleteMediaRow, findMedia } from "./db/media";
import {
  findUpload,
  finishUpload,
  insertUpload,
  listParts,
  type PartRow,
  type UploadRow,
  type UploadWithMedia,
  upsertPart,
} from "./db/uploads";
import type { MediaDeps } from "./deps";
import { asMediaType } from "./file-types";
import { newMediaId, newUploadId } from "./ids";
import { declaredLength, MAX_PART_BYTES, PREFIX_BYTES, partSizeFor, RESUMABLE_UPLOAD_TTL_MS } from "./limits";
import { toMedia } from "./media";
import { acceptedType, imageDimensions, requireMatchingBytes } from "./probe";
import { reserveQuota } from "./quota";
import type { Media, NewUpload, UploadStatus } from "./schemas";
import { originalKey } from "./storage";
import { openBody, storing } from "./streams";

const partCountOf = (size: number, partSize: number) => Math.ceil(size / partSize);

/** Every part is `partSize` bytes but the last, which has the rest: R2 wants equal parts. */
function expectedPartSize(size: number, partSize: number, n: number): number {
  return n < partCountOf(size, partSize) ? partSize : size - (partCountOf(size, partSize) - 1) * partSize;
}

function summaryOf(
  upload: Pick<UploadRow, "id" | "mediaId" | "partSize" | "createdAt">,
  size: number,
  expiresAt: number | null,
) {
  return {
    uploadId: upload.id,
    mediaId: upload.mediaId,
    partSize: upload.partSize,
    partCount: partCountOf(size, upload.partSize),
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
  };
}

/** Starts a resumable upload: the quota is reserved for the declared size, R2 opens a multipart upload. */
export async function startUpload(deps: MediaDeps, ownerId: string, input: NewUpload) {
  const contentType = acceptedType(input.contentType);
  const mediaId = newMediaId();
  const expiresAt = deps.now + RESUMABLE_UPLOAD_TTL_MS;
  const row = { id: mediaId, ownerId, contentType, size: input.size, filename: input.filename };
  await reserveQuota(deps, { ...row, createdAt: deps.now, expiresAt });
  const partSize = partSizeFor(input.size);
  const upload = {
    id: newUploadId(),
    mediaId,
    ownerId,
    partSize,
    status: "open" as const,
    createdAt: deps.now,
  };
  try {
    const multipart = await deps.bucket.createMultipartUpload(originalKey(mediaId), {
      httpMetadata: { contentType },
      customMetadata: { ownerId },
    });
    await insertUpload(deps.db, { ...upload, r2UploadId: multipart.uploadId });
  } catch (error) {
    await deleteMediaRow(deps.db, mediaId);
    throw error;
  }
  return { ...summaryOf(upload, input.size, expiresAt), expiresAt: new Date(expiresAt).toISOString() };
}

/** The caller's own upload; anyone else's, or one that expired, does not exist for them (404). */
async function ownUpload(deps: MediaDeps, ownerId: string, uploadId: string): Promise<UploadWithMedia> {
  const found = await findUpload(deps.db, uploadId);
  const expired = found?.upload.status === "open" && (found.expiresAt ?? 0) <= deps.now;
  if (!found || found.upload.ownerId !== ownerId || expired) {
    throw new AppError("not_found", "no such upload (it may have expired)");
  }
  return found;
}

function requireOpen(found: UploadWithMedia): void {
  if (found.upload.status !== "open") throw new AppError("conflict", "this upload is complete already");
}

/** What the client needs to resume: which parts have arrived. */
export async function uploadStatus(
  deps: MediaDeps,
  ownerId: string,
  uploadId: string,
): Promise<UploadStatus> {
  const found = await ownUpload(deps, ownerId, uploadId);
  const parts = await listParts(deps.db, uploadId);
  return {
    ...summaryOf(found.upload, found.size, found.expiresAt),
    status: found.upload.status,
    contentType: asMediaType(found.contentType),
    size: found.size,
    parts: parts.map(({ partNumber, size }) => ({ partNumber, size })),
  };
}

export interface PartUpload {
  contentLength: string | undefined;
  body: ReadableStream<Uint8Array> | null;
}

/**
 * Stores part `n` in any order; sending a part again replaces it. Each part must have exactly its
 * expected size, and part 1 must start like the declared type of file.
 */
export async function putPart(
  deps: MediaDeps,
  ownerId: string,
  uploadId: string,
  n: number,
  part: PartUpload,
) {
  const found = await ownUpload(deps, ownerId, uploadId);
  requireOpen(found);
  const { upload, size } = found;
  const count = partCountOf(size, upload.partSize);
  if (n > count) {
    throw new AppError("validation_failed", "the request is not valid", {
      details: [{ path: "path.n", message: `this upload has parts 1 to ${count}` }],
    });
  }
  const expected = expectedPartSize(size, upload.partSize, n);
  const length = declaredLength(part.contentLength, MAX_PART_BYTES);
  if (length !== expected) {
    throw new AppError("bad_request", `part ${n} must be exactly ${expected} bytes, not ${length}`);
  }
  const body = await openBody(part.body, length, n === 1 ? PREFIX_BYTES : 0);
  if (n === 1) requireMatchingBytes(asMediaType(found.contentType), body.prefix);
  const multipart = deps.bucket.resumeMultipartUpload(originalKey(upload.mediaId), upload.r2UploadId);
  const uploaded = await storing(body, () => multipart.uploadPart(n, body.stream));
  const stored: PartRow = {
    uploadId,
    partNumber: n,
    etag: uploaded.etag,
    size: length,
    uploadedAt: deps.now,
  };
  await upsertPart(deps.db, stored, upload.mediaId, deps.now + RESUMABLE_UPLOAD_TTL_MS);
  return { partNumber: n, size: length };
}

/** Joins the parts into the file. Completing again answers the same; missing parts are a 409. */
export async function completeUpload(deps: MediaDeps, ownerId: string, uploadId: string): Promise<Media> {
  const found = await ownUpload(deps, ownerId, uploadId);
  const { upload, size } = found;
  if (upload.status === "completed") {
    const row = await findMedia(deps.db, upload.mediaId);
    if (!row) throw new AppError("not_found", "no such upload");
    return toMedia(row);
  }
  const parts = await listParts(deps.db, uploadId);
  const received = new Set(parts.map((part) => part.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= partCountOf(size, upload.partSize); n++) if (!received.has(n)) missing.push(n);
  if (missing.length > 0) {
    const listed = missing.slice(0, 20).join(", ") + (missing.length > 20 ? ", ..." : "");
    throw new AppError("conflict", `parts missing: ${listed}`);
  }

  const key = originalKey(upload.mediaId);
  try {
    await deps.bucket
      .resumeMultipartUpload(key, upload.r2UploadId)
      .complete(parts.map(({ partNumber, etag }) => ({ partNumber, etag })));
  } catch (error) {
    // A retry after R2 completed but before D1 recorded it: the object is there, carry on.
    const existing = await deps.bucket.head(key);
    if (existing?.size !== size) throw error;
  }
  const prefix = await deps.bucket.get(key, { range: { offset: 0, length: Math.min(PREFIX_BYTES, size) } });
  const prefixBytes = prefix ? new Uint8Array(await prefix.arrayBuffer()) : new Uint8Array();
  const type = asMediaType(found.contentType);
  const dimensions = await imageDimensions(deps.images, type, prefixBytes, async () => {
    const object = await deps.bucket.get(key);
    return object?.body ?? null;
  });
  await finishUpload(deps.db, upload, dimensions);
  const row = await findMedia(deps.db, upload.mediaId);
  if (!row) throw new AppError("not_found", "no such upload");
  return toMedia(row);
}

/** Abandons an open upload: R2 forgets its parts and the quota gets its bytes back. */
export async function abortUpload(deps: MediaDeps, ownerId: string, uploadId: string): Promise<void> {
  const found = await ownUpload(deps, ownerId, uploadId);
  if (found.upload.status !== "open") {
    throw new AppError("conflict", "this upload is complete; delete its media instead");
  }
  await abortMultipart(deps, found.upload.mediaId, found.upload.r2UploadId);
  await deleteMediaRow(deps.db, found.upload.mediaId);
}

/** Aborts an R2 multipart upload; one R2 no longer knows (aborted, expired) is not an error. */
export async function abortMultipart(deps: MediaDeps, mediaId: string, r2UploadId: string): Promise<void> {
  try {
    await deps.bucket.resumeMultipartUpload(originalKey(mediaId), r2UploadId).abort();
  } catch (error) {
    log("warn", "multipart abort failed", { mediaId, ...describeError(error) });
  }
}
