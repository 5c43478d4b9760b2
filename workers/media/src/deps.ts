import type { OutboxDeps } from "../../../lib/events/outbox";
import type { MediaDb } from "./db/client";
import { mediaDb } from "./db/client";

/** What the media domain needs, built per request from the Worker's bindings. */
export interface MediaDeps {
  db: MediaDb;
  bucket: R2Bucket;
  images: ImagesBinding;
  /** Bytes each user may store (MEDIA_QUOTA_BYTES). */
  quotaBytes: number;
  /** Where events are stored with the change and sent from (lib/events/outbox.ts). */
  outbox: OutboxDeps;
  now: number;
}

/** The queues of every service that consumes the media service's events. */
export function eventQueues(env: MediaEnv): Queue[] {
  return [env.POSTS_EVENTS];
}

/** The request's ExecutionContext, when there is one, lets event sends finish after the response. */
export function mediaDeps(env: MediaEnv, ctx?: Pick<ExecutionContext, "waitUntil">): MediaDeps {
  const quotaBytes = Number(env.MEDIA_QUOTA_BYTES);
  if (!Number.isSafeInteger(quotaBytes) || quotaBytes <= 0) {
    throw new Error(`MEDIA_QUOTA_BYTES must be a positive number of bytes, not "${env.MEDIA_QUOTA_BYTES}"`);
  }
  return {
    db: mediaDb(env.DB),
    bucket: env.MEDIA_BUCKET,
    images: env.IMAGES,
    quotaBytes,
    outbox: {
      d1: env.DB,
      queues: eventQueues(env),
      ...(ctx && { waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) }),
    },
    now: Date.now(),
  };
}
