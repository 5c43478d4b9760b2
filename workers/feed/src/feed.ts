import type { Keyset, TimelineEntry } from "../../../durable-objects/timeline/rpc";
import { AppError } from "../../../lib/errors";
import { decodeCursor, encodeCursor } from "../../../lib/pagination";
import type { Post } from "../../posts/src/schemas";
import { type FeedDeps, timelineOf } from "./deps";
import { rankPosts } from "./ranking";
import { FeedCursor, type FeedOrder } from "./schemas";

/** The posts service's recentPostsOf takes at most this many authors per call (one D1 statement). */
const AUTHORS_PER_CALL = 90;

export interface FeedRequest {
  order: FeedOrder;
  limit: number;
  cursor?: string | undefined;
}

export interface FeedPage {
  items: Post[];
  nextCursor: string | null;
}

/**
 * A page of the reader's home feed: their own and followed authors' posts and shares. `latest` is
 * newest first. `ranked` ranks the newest `deps.rankWindow` candidates once (ranking.ts), keeps that
 * order in the timeline as a snapshot that the next pages read by offset, then goes on newest first
 * below the window. Deleted posts never appear: only what the posts service still returns is shown.
 */
export async function readFeed(deps: FeedDeps, viewerId: string, request: FeedRequest): Promise<FeedPage> {
  const cursor = request.cursor ? decodeCursor(FeedCursor, request.cursor) : null;
  if (cursor?.k === "t") return latestPage(deps, viewerId, request.limit, { at: cursor.at, id: cursor.id });
  if (request.order === "latest") {
    if (cursor) throw cursorError("this cursor belongs to the ranked feed");
    return latestPage(deps, viewerId, request.limit, null);
  }
  if (cursor) return snapshotPage(deps, viewerId, request.limit, cursor.s, cursor.o);
  return rankedFirstPage(deps, viewerId, request.limit);
}

async function latestPage(deps: FeedDeps, viewerId: string, limit: number, before: Keyset | null) {
  const { candidates } = await candidatesBefore(deps, viewerId, limit + 1, before, false);
  const page = candidates.slice(0, limit);
  const last = page.at(-1);
  const items = await hydrate(
    deps,
    viewerId,
    page.map((entry) => entry.postId),
  );
  const more = candidates.length > limit && last !== undefined;
  return { items, nextCursor: more ? latestCursor({ at: last.createdAt, id: last.postId }) : null };
}

async function rankedFirstPage(deps: FeedDeps, viewerId: string, limit: number): Promise<FeedPage> {
  const { candidates, affinity } = await candidatesBefore(deps, viewerId, deps.rankWindow + 1, null, true);
  const window = candidates.slice(0, deps.rankWindow);
  const oldest = window.at(-1);
  const tail =
    candidates.length > deps.rankWindow && oldest ? { at: oldest.createdAt, id: oldest.postId } : null;
  // Ranked on counts alone (no text, media or authors), then only the page is hydrated.
  const windowIds = window.map((entry) => entry.postId);
  const engagement = windowIds.length > 0 ? await deps.posts.engagementOf({ ids: windowIds }) : [];
  await forgetDeleted(deps, viewerId, windowIds, engagement);
  const ranked = rankPosts(engagement, affinity, deps.now);
  const items = await hydrate(deps, viewerId, ranked.slice(0, limit));
  if (ranked.length <= limit) return { items, nextCursor: tail ? latestCursor(tail) : null };
  const snapshotId = await timelineOf(deps, viewerId).saveSnapshot({ postIds: ranked, tail });
  return { items, nextCursor: encodeCursor({ k: "r", s: snapshotId, o: limit } satisfies FeedCursor) };
}

async function snapshotPage(
  deps: FeedDeps,
  viewerId: string,
  limit: number,
  snapshotId: string,
  offset: number,
): Promise<FeedPage> {
  const snapshot = await timelineOf(deps, viewerId).snapshot(snapshotId);
  if (!snapshot)
    throw cursorError("this cursor has expired or was not given to you: start again from the first page");
  const end = offset + limit;
  const items = await hydrate(deps, viewerId, snapshot.postIds.slice(offset, end));
  if (end < snapshot.postIds.length) {
    return { items, nextCursor: encodeCursor({ k: "r", s: snapshotId, o: end } satisfies FeedCursor) };
  }
  return { items, nextCursor: snapshot.tail ? latestCursor(snapshot.tail) : null };
}

/**
 * The reader's newest `count` candidates before a position: their timeline's entries merged with
 * the recent posts of the big authors they follow (which were never fanned out), newest first.
 */
async function candidatesBefore(
  deps: FeedDeps,
  viewerId: string,
  count: number,
  before: Keyset | null,
  affinity: boolean,
) {
  const state = await timelineOf(deps, viewerId).readState({ limit: count, before, affinity });
  const merged = await recentOfAuthors(deps, state.bigAuthors, count, before);
  const byId = new Map<string, TimelineEntry>();
  for (const entry of [...state.entries, ...merged]) byId.set(entry.postId, entry);
  const candidates = [...byId.values()].sort(newestFirst).slice(0, count);
  return { candidates, affinity: state.affinity };
}

async function recentOfAuthors(
  deps: FeedDeps,
  authorIds: string[],
  limit: number,
  before: Keyset | null,
): Promise<TimelineEntry[]> {
  const calls: Promise<TimelineEntry[]>[] = [];
  for (let i = 0; i < authorIds.length; i += AUTHORS_PER_CALL) {
    const batch = authorIds.slice(i, i + AUTHORS_PER_CALL);
    calls.push(
      deps.posts.recentPostsOf({ authorIds: batch, limit, ...(before && { before }) }).then((posts) =>
        posts.map((post) => ({
          postId: post.id,
          authorId: post.authorId,
          sharedPostId: post.sharedPostId,
          createdAt: post.createdAt,
        })),
      ),
    );
  }
  return (await Promise.all(calls)).flat();
}

/**
 * Posts as the reader sees them, in the order given (one getPosts call, at most 100 ids). Posts
 * that no longer exist are left out, and dropped from the reader's timeline on the way.
 */
async function hydrate(deps: FeedDeps, viewerId: string, ids: string[]): Promise<Post[]> {
  if (ids.length === 0) return [];
  const posts = await deps.posts.getPosts({ ids, viewerId });
  await forgetDeleted(deps, viewerId, ids, posts);
  return posts;
}

/** Drops from the reader's timeline the ids the posts service no longer knows (deleted posts). */
async function forgetDeleted(deps: FeedDeps, viewerId: string, asked: string[], found: { id: string }[]) {
  const known = new Set(found.map((post) => post.id));
  const gone = asked.filter((id) => !known.has(id));
  if (gone.length > 0) await timelineOf(deps, viewerId).removePosts(gone);
}

function newestFirst(a: TimelineEntry, b: TimelineEntry): number {
  return b.createdAt - a.createdAt || (a.postId < b.postId ? 1 : a.postId > b.postId ? -1 : 0);
}

function latestCursor(position: Keyset): string {
  return encodeCursor({ k: "t", at: position.at, id: position.id } satisfies FeedCursor);
}

function cursorError(message: string): AppError {
  return new AppError("validation_failed", message, { details: [{ path: "query.cursor", message }] });
}
