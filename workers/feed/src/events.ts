import type { TimelineEntry } from "../../../durable-objects/timeline/rpc";
import type { DomainEvent, EventData, EventOf } from "../../../lib/events/catalog";
import type { EventFailures } from "../../../lib/events/consume";
import { describeError, log } from "../../../lib/logging";
import { type FeedDeps, timelineOf } from "./deps";
import { followersUpTo, forEachFollowerPage, inBatches } from "./followers";

/** How much one interaction raises the interacting user's affinity for the post's author. */
export const INTERACTION_WEIGHTS = { like: 1, comment: 2, share: 3 } as const;

/**
 * Follower timelines written at once by a fan-out, with a pause for other work between waves
 * (inBatches). Small waves keep the reads that share the isolate from queueing behind them:
 * bench/social's home p99 at 100 req/s was 32-37 ms with 1 or 2, worse with 4 or 8.
 */
export const FANOUT_CONCURRENCY = 2;

/** How many of an author's recent posts a new follower's timeline gets. */
export const BACKFILL_POSTS = 20;

/**
 * Applies one domain event to the timelines it concerns. Every step is idempotent (entries are
 * keyed by post id, follow changes by time, interactions by event id), so a redelivered or retried
 * event changes nothing twice. Event types the feed does not use are ignored. New posts go
 * through fanOutPosts instead (see handleFeedEvents).
 */
async function handleFeedEvent(
  deps: FeedDeps,
  event: Exclude<DomainEvent, EventOf<"post.created">>,
): Promise<void> {
  switch (event.type) {
    case "post.deleted":
      return removePost(deps, event.data);
    case "user.followed":
      return follow(deps, event.data, Date.parse(event.occurredAt));
    case "user.unfollowed":
      await timelineOf(deps, event.data.followerId).unfollow({
        authorId: event.data.followeeId,
        at: Date.parse(event.occurredAt),
      });
      return revertIfSmall(deps, event.data.followeeId);
    case "post.liked":
      return interact(deps, event.id, event.data.userId, event.data.postAuthorId, "like");
    case "comment.created":
      return interact(deps, event.id, event.data.authorId, event.data.postAuthorId, "comment");
    case "post.shared":
      return interact(deps, event.id, event.data.userId, event.data.originalAuthorId, "share");
  }
}

/**
 * Applies a queue batch of events in order, and says which failed. Consecutive new posts are
 * fanned out together (`fanOutPosts`): a follower of several of their authors gets one call.
 */
export async function handleFeedEvents(deps: FeedDeps, events: DomainEvent[]): Promise<EventFailures> {
  const failures: EventFailures = new Map();
  let newPosts: EventOf<"post.created">[] = [];
  const fanOutPending = async () => {
    if (newPosts.length === 0) return;
    for (const [id, error] of await fanOutPosts(deps, newPosts)) failures.set(id, error);
    newPosts = [];
  };
  for (const event of events) {
    if (event.type === "post.created") {
      newPosts.push(event);
      continue;
    }
    await fanOutPending();
    try {
      await handleFeedEvent(deps, event);
    } catch (error) {
      failures.set(event.id, error);
    }
  }
  await fanOutPending();
  return failures;
}

function entryOf(data: EventData<"post.created">): TimelineEntry {
  return {
    postId: data.postId,
    authorId: data.authorId,
    sharedPostId: data.sharedPostId,
    createdAt: data.createdAt,
  };
}

/**
 * New posts go to their authors' own timelines and to each follower's, unless an author has more
 * followers than the fan-out limit: then followers merge the author's posts at read time (the first
 * time an author is found to be that big, each follower's timeline is told so, once). Each follower
 * timeline gets one `addPosts` call with every post of the batch for it, so a queue batch costs one
 * Durable Object call per follower rather than one per post and follower. A post whose step fails
 * is reported (by event id) for a retry; re-adding an entry is harmless.
 */
async function fanOutPosts(deps: FeedDeps, events: EventOf<"post.created">[]): Promise<EventFailures> {
  const failures: EventFailures = new Map();
  const fail = (eventIds: Iterable<string>, error: unknown) => {
    for (const id of eventIds) if (!failures.has(id)) failures.set(id, error);
  };
  // Per author, once a batch: their followers, and the big-author announcement when they have too many.
  const followersByAuthor = new Map<string, Promise<{ ids: string[]; more: boolean }>>();
  const bigAnnounced = new Map<string, Promise<void>>();
  const toFollower = new Map<string, { entries: TimelineEntry[]; eventIds: string[] }>();
  const announced: { event: EventOf<"post.created">; followerIds: string[] }[] = [];
  const unique = [...new Map(events.map((event) => [event.id, event])).values()];

  await inBatches(unique, async (event) => {
    const { data } = event;
    try {
      const entry = entryOf(data);
      const { big } = await timelineOf(deps, data.authorId).addOwnPost(entry);
      if (big) return;
      let followers = followersByAuthor.get(data.authorId);
      if (!followers) {
        followers = followersUpTo(deps, data.authorId, deps.fanoutLimit);
        followersByAuthor.set(data.authorId, followers);
      }
      const { ids, more } = await followers;
      if (more) {
        let announcement = bigAnnounced.get(data.authorId);
        if (!announcement) {
          announcement = announceBigAuthor(deps, data.authorId);
          bigAnnounced.set(data.authorId, announcement);
        }
        return await announcement;
      }
      for (const id of ids) {
        const target = toFollower.get(id) ?? { entries: [], eventIds: [] };
        target.entries.push(entry);
        target.eventIds.push(event.id);
        toFollower.set(id, target);
      }
      announced.push({ event, followerIds: ids });
    } catch (error) {
      fail([event.id], error);
    }
  });

  await inBatches(
    [...toFollower],
    async ([followerId, { entries, eventIds }]) => {
      try {
        await timelineOf(deps, followerId).addPosts(entries);
      } catch (error) {
        fail(eventIds, error);
      }
    },
    FANOUT_CONCURRENCY,
  );

  await announceLive(
    deps,
    announced.filter(({ event }) => !failures.has(event.id)),
  );
  return failures;
}

/** User ids, and posts, per notifications call (its MAX_BROADCAST_USERS and MAX_BROADCASTS). */
const ANNOUNCED_USERS_PER_CALL = 5000;
const ANNOUNCED_POSTS_PER_CALL = 100;

/**
 * Tells the followers who are online that their feed has something new (`feed.new` on their live
 * channel), for every post of a batch in one notifications call (one presence query), or a few when
 * they name more than ANNOUNCED_USERS_PER_CALL followers. The timelines already hold the posts:
 * this is only a nudge, so a failure is logged and the events are not retried for it. Big authors'
 * followers get no nudge (their posts merge at read).
 */
async function announceLive(
  deps: FeedDeps,
  posts: { event: EventOf<"post.created">; followerIds: string[] }[],
): Promise<void> {
  // Packed into calls of at most ANNOUNCED_USERS_PER_CALL ids and ANNOUNCED_POSTS_PER_CALL posts
  // (a post with more followers than one call takes is split over calls).
  const calls: { event: EventOf<"post.created">; followerIds: string[] }[][] = [];
  let room = 0;
  for (const { event, followerIds } of posts) {
    for (let from = 0; from < followerIds.length; ) {
      const current = calls.at(-1);
      if (!current || room === 0 || current.length >= ANNOUNCED_POSTS_PER_CALL) {
        calls.push([]);
        room = ANNOUNCED_USERS_PER_CALL;
        continue;
      }
      const slice = followerIds.slice(from, from + room);
      current.push({ event, followerIds: slice });
      room -= slice.length;
      from += slice.length;
    }
  }
  for (const call of calls) {
    try {
      await deps.notifications.publishManyToOnline(
        call.map(({ event, followerIds }) => ({
          userIds: followerIds,
          event: { type: "feed.new", postId: event.data.postId, authorId: event.data.authorId },
        })),
      );
    } catch (error) {
      log("warn", "feed.new not announced", {
        postIds: call.map(({ event }) => event.data.postId).join(","),
        ...describeError(error),
      });
    }
  }
}

/** Tells every follower's timeline to merge the author at read time, then marks the author as done. */
async function announceBigAuthor(deps: FeedDeps, authorId: string): Promise<void> {
  await forEachFollowerPage(deps, authorId, (ids) =>
    inBatches(ids, (id) => timelineOf(deps, id).rememberBigAuthor(authorId)),
  );
  await timelineOf(deps, authorId).markSelfBig();
}

/**
 * A big author stays big until they are down to `smallAgainAt` followers (three quarters of the
 * fan-out limit, so that an author near the limit does not flip at every follow and unfollow).
 */
export function smallAgainAt(fanoutLimit: number): number {
  return Math.floor((fanoutLimit * 3) / 4);
}

/**
 * After an unfollow: a big author who is down to `smallAgainAt` followers is fanned out again.
 * Their own flag is cleared first, so posts from now on are fanned out; then each follower's
 * timeline stops merging them at read and gets their recent posts instead. A follower who follows
 * meanwhile may keep merging them at read as well: reads drop the duplicates.
 */
async function revertIfSmall(deps: FeedDeps, authorId: string): Promise<void> {
  if (!(await timelineOf(deps, authorId).isBig())) return;
  const threshold = smallAgainAt(deps.fanoutLimit);
  if (((await deps.users.followersCount(authorId)) ?? 0) > threshold) return;
  const followers = await followersUpTo(deps, authorId, threshold);
  if (followers.more) return;
  await timelineOf(deps, authorId).unmarkSelfBig();
  const posts = await recentEntries(deps, authorId);
  await inBatches(followers.ids, (id) => timelineOf(deps, id).forgetBigAuthor(authorId, posts));
}

/**
 * A deleted post leaves its author's timeline and its followers'. A big author's post was never
 * fanned out; reads leave deleted posts out anyway (the posts service no longer returns them).
 */
async function removePost(deps: FeedDeps, data: EventData<"post.deleted">): Promise<void> {
  const { big } = await timelineOf(deps, data.authorId).removeOwnPost(data.postId);
  if (big) return;
  await forEachFollowerPage(deps, data.authorId, (ids) =>
    inBatches(ids, (id) => timelineOf(deps, id).removePosts([data.postId])),
  );
}

/** The follower's timeline starts following: a big author is merged at read, anyone else backfilled. */
async function follow(deps: FeedDeps, data: EventData<"user.followed">, at: number): Promise<void> {
  const big = await isBigAuthor(deps, data.followeeId);
  const posts = big ? [] : await recentEntries(deps, data.followeeId);
  await timelineOf(deps, data.followerId).follow({ authorId: data.followeeId, at, big, posts });
}

/** Big: already announced as big, or more followers than the fan-out limit. */
async function isBigAuthor(deps: FeedDeps, authorId: string): Promise<boolean> {
  if (await timelineOf(deps, authorId).isBig()) return true;
  return ((await deps.users.followersCount(authorId)) ?? 0) > deps.fanoutLimit;
}

async function recentEntries(deps: FeedDeps, authorId: string): Promise<TimelineEntry[]> {
  const recent = await deps.posts.recentPostsOf({ authorIds: [authorId], limit: BACKFILL_POSTS });
  return recent.map((post) => ({
    postId: post.id,
    authorId: post.authorId,
    sharedPostId: post.sharedPostId,
    createdAt: post.createdAt,
  }));
}

/** A user liked, commented on or shared an author's post: their affinity for the author grows. */
async function interact(
  deps: FeedDeps,
  eventId: string,
  userId: string,
  authorId: string,
  kind: keyof typeof INTERACTION_WEIGHTS,
): Promise<void> {
  if (userId === authorId) return;
  await timelineOf(deps, userId).recordInteraction({
    eventId,
    authorId,
    weight: INTERACTION_WEIGHTS[kind],
  });
}
