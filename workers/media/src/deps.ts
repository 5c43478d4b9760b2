import type { MediaDb } from "./db/client";
import { mediaDb } from "./db/client";

/** What the media domain needs, built per request from the Worker's bindings. */
export interface MediaDeps {
  db: MediaDb;
  bucket: R2Bucket;
  images: ImagesBinding;
  /** Bytes each user may store (MEDIA_QUOTA_BYTES). */
  quotaBytes: number;
  now: number;
}

export function mediaDeps(env: MediaEnv): MediaDeps {
  const quotaBytes = Number(env.MEDIA_QUOTA_BYTES);
  if (!Number.isSafeInteger(quotaBytes) || quotaBytes <= 0) {
    throw new Error(`MEDIA_QUOTA_BYTES must be a positive number of bytes, not "${env.MEDIA_QUOTA_BYTES}"`);
  }
  return { db: mediaDb(env.DB), bucket: env.MEDIA_BUCKET, images: env.IMAGES, quotaBytes, now: Date.now() };
}
