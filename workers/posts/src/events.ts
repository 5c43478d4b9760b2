import type { DomainEvent } from "../../../lib/events/catalog";
import { log } from "../../../lib/logging";
import { dropMediaFromPosts } from "./db/media-refs";
import type { PostsDeps } from "./deps";

/**
 * Applies one domain event from plaza-posts-events. Each step is idempotent, so a redelivered
 * event changes nothing twice. Event types the posts service does not use are ignored.
 */
export async function handlePostsEvent(deps: Pick<PostsDeps, "db">, event: DomainEvent): Promise<void> {
  switch (event.type) {
    case "media.deleted": {
      const changed = await dropMediaFromPosts(deps.db, event.data.ownerId, event.data.mediaId);
      if (changed > 0)
        log("info", "deleted media dropped from posts", { mediaId: event.data.mediaId, posts: changed });
      return;
    }
  }
}
