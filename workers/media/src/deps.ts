import type { DomainEvent } from "../../../lib/events/catalog";
import { publishEvents } from "../../../lib/events/publish";
import type { MediaDb } from "./db/client";
import { mediaDb } from "./db/client";

/** What the media domain needs, built per request from the Worker's bindings. */
export interface MediaDeps {
  db: MediaDb;
  bucket: R2Bucket;
  images: ImagesBinding;
  /** Bytes each user may store (MEDIA_QUOTA_BYTES). */
  quotaBytes: number;
  /** Sends domain events (lib/events) to every consuming service's queue. */
  publish(events: DomainEvent[]): Promise<void>;
  now: number;
}

/** The queues of every service that consumes the media service's events. */
export function eventQueues(env: MediaEnv): Queue[] {
  return [env.POSTS_EVENTS];
}

export function mediaDeps(env: MediaEnv): MediaDeps {
  const quotaBytes = Number(env.MEDIA_QUOTA_BYTES);
  if (!Number.isSafeInteger(quotaBytes) || quotaBytes <= 0) {
    throw new Error(`MEDIA_QUOTA_BYTES must be a positive number of bytes, not "${env.MEDIA_QUOTA_BYTES}"`);
  }
  return {
    db: mediaDb(env.DB),
    bucket: env.MEDIA_BUCKET,
    images: env.IMAGES,
    quotaBytes,
    publish: (events) => publishEvents(eventQueues(env), events),
    now: Date.now(),
  };
}
