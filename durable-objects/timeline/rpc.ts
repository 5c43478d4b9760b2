/** What the feed Worker asks of a Timeline over RPC, and what it answers. */

/** One post on a home timeline, with what ranking needs to know without asking the posts service. */
export interface TimelineEntry {
  postId: string;
  authorId: string;
  /** Set when the post is a share of another post. */
  sharedPostId: string | null;
  /** Milliseconds since the epoch, as the posts service stamped the post. */
  createdAt: number;
}

/** A position in newest-first order: a post's time and id (ids break ties). */
export interface Keyset {
  at: number;
  id: string;
}

export interface FollowChange {
  authorId: string;
  /** When the follow graph changed (the event's occurredAt): older changes never undo newer ones. */
  at: number;
}

export interface NewFollow extends FollowChange {
  /** The author has too many followers for fan-out: their posts are merged at read time. */
  big: boolean;
  /** The author's recent posts, to backfill the timeline (empty for a big author). */
  posts: TimelineEntry[];
}

export interface Interaction {
  /** The event that reported it: applied once however often it is delivered. */
  eventId: string;
  authorId: string;
  weight: number;
}

/** What a read of the timeline starts from. */
export interface ReadState {
  /** Newest first, before the position asked for. */
  entries: TimelineEntry[];
  /** Followed authors whose posts are not fanned out, to merge at read time. */
  bigAuthors: string[];
  /** How much this user interacts with each author (decayed; authors without any are left out). */
  affinity: Record<string, number>;
}

/** A ranked first page, kept so that the next pages continue the same order. */
export interface Snapshot {
  /** Ranked post ids after the first page. */
  postIds: string[];
  /** Where newest-first paging continues once the ranked window is used up (null: nothing older). */
  tail: Keyset | null;
}
