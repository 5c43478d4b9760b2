import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../../lib/errors";

const MiB = 1024 * 1024;

/** Largest file sent in one request (POST /v1/media); larger ones go in parts. */
export const MAX_SINGLE_UPLOAD_BYTES = 100 * MiB;
/** Largest file a resumable upload may declare (each user's quota usually binds first). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * MiB;
/** R2's smallest part, except the last. */
export const MIN_PART_BYTES = 5 * MiB;
/** Parts must each fit in one Worker request. */
export const MAX_PART_BYTES = 64 * MiB;
/** R2's most parts in one multipart upload. */
export const MAX_PARTS = 10_000;
/** Every JSON body this service accepts is far smaller. */
export const MAX_JSON_BYTES = 64 * 1024;
/** How much of a file is read before storing it: its type and, for images, usually its size. */
export const PREFIX_BYTES = 64 * 1024;

/** How long an unfinished upload keeps its share of the quota (a resumable one, since its last part). */
export const SINGLE_UPLOAD_TTL_MS = 60 * 60 * 1000;
export const RESUMABLE_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The size of each part of a resumable upload of `size` bytes: about a hundred parts, so that a
 * lost connection costs little, but never under R2's minimum nor over one request's worth.
 */
export function partSizeFor(size: number): number {
  const hundredth = Math.ceil(size / 100 / MiB) * MiB;
  return Math.min(MAX_PART_BYTES, Math.max(MIN_PART_BYTES, hundredth, Math.ceil(size / MAX_PARTS)));
}

/**
 * The length a file's request declares. Files are streamed to R2, which needs the length up front,
 * so a body without content-length (chunked) is refused before any of it is read.
 */
export function declaredLength(header: string | undefined, max: number): number {
  if (header === undefined || !/^\d{1,16}$/.test(header.trim())) {
    throw new AppError("bad_request", "send the file with its size in content-length");
  }
  const length = Number(header.trim());
  if (length > max) throw new AppError("payload_too_large", `send at most ${max} bytes in one request`);
  if (length === 0) throw new AppError("bad_request", "the file is empty");
  return length;
}

const limitJson = bodyLimit({
  maxSize: MAX_JSON_BYTES,
  onError: () => {
    throw new AppError("payload_too_large", "the request body is too large");
  },
});

/**
 * The app-wide body limit, except on the routes that carry files (they check content-length
 * themselves and stream): every other body stays as small as the other services' JSON.
 */
export function smallBodiesExcept(carriesFile: (method: string, path: string) => boolean): MiddlewareHandler {
  return async function smallBodies(c, next) {
    if (carriesFile(c.req.method, c.req.path)) return next();
    return limitJson(c, next);
  };
}
