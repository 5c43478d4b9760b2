import { TtlCache } from "../../../lib/cache";
import { findPosts, likedAmong, type PostRow, type ViewedPostRow } from "./db/posts";
import type { PostsDeps } from "./deps";
import type { Post } from "./schemas";

type Author = Post["author"];

const UNKNOWN_AUTHOR = (id: string): Author => ({
  id,
  handle: "unknown",
  displayName: "Unknown",
  avatarUrl: null,
});

/**
 * Authors as the users service last described them, per isolate. Every post and comment shows its
 * author's handle, name and avatar: asking the users service for them on every read cost more than
 * the posts' own query (bench/social). A profile edit shows on posts within AUTHOR_TTL_MS. The
 * authors of one read are stored together; the jitter spreads their expiry over the last fifth of
 * the TTL, so they are not all asked for again by the same read 30 s later.
 */
export const AUTHOR_TTL_MS = 30_000;
const AUTHOR_CACHE = { ttlMs: AUTHOR_TTL_MS, jitter: 0.2, maxEntries: 10_000 };
const authors = new TtlCache<string, Author>(AUTHOR_CACHE);
const authorsByHandle = new TtlCache<string, Author>(AUTHOR_CACHE);

function remember(author: Author): void {
  authors.set(author.id, author);
  authorsByHandle.set(author.handle, author);
}

/** Authors by id: from the isolate's cache, else from the users service in batches of 100 (its RPC limit). */
export async function authorsOf(
  deps: Pick<PostsDeps, "users">,
  ids: string[],
  known: Author[] = [],
): Promise<Map<string, Author>> {
  const have = new Map(known.map((author) => [author.id, author]));
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    if (have.has(id)) continue;
    const cached = authors.get(id);
    if (cached) have.set(id, cached);
    else missing.push(id);
  }
  const batches: string[][] = [];
  for (let i = 0; i < missing.length; i += 100) batches.push(missing.slice(i, i + 100));
  const found = (await Promise.all(batches.map((batch) => deps.users.getProfiles(batch)))).flat();
  for (const author of found) {
    remember(author);
    have.set(author.id, author);
  }
  return have;
}

/** A user by handle (the cache above, else the users service); null when there is none. */
export async function authorByHandle(deps: Pick<PostsDeps, "users">, handle: string): Promise<Author | null> {
  const cached = authorsByHandle.get(handle);
  if (cached) return cached;
  const author = await deps.users.getProfileByHandle(handle);
  if (author) remember(author);
  return author;
}

/**
 * Rows as the API shows them: authors (the cache, else one batched users call), the viewer's likes
 * (with the rows when they were read for this viewer, else one query) and, for shares, the original
 * post (one query), whatever the number of rows.
 */
export async function hydratePosts(
  deps: PostsDeps,
  rows: (PostRow | ViewedPostRow)[],
  viewerId: string | null,
  /** Authors the caller already has (a user timeline's), not asked for again. */
  knownAuthors: Author[] = [],
): Promise<Post[]> {
  const sharedIds = rows.map((row) => row.sharedPostId).filter((id): id is string => id !== null);
  const shared = new Map((await findPosts(deps.db, sharedIds, viewerId)).map((row) => [row.id, row]));
  const all = [...rows, ...shared.values()];
  const unknownLikes = viewerId ? all.filter((row) => !("likedByMe" in row)).map((row) => row.id) : [];
  const [authorMap, liked] = await Promise.all([
    authorsOf(
      deps,
      all.map((row) => row.authorId),
      knownAuthors,
    ),
    viewerId && unknownLikes.length > 0
      ? likedAmong(deps.db, viewerId, unknownLikes)
      : Promise.resolve(new Set<string>()),
  ]);
  const view = (row: PostRow | ViewedPostRow) => ({
    id: row.id,
    author: authorMap.get(row.authorId) ?? UNKNOWN_AUTHOR(row.authorId),
    text: row.text,
    media: row.media,
    likeCount: row.likeCount,
    commentCount: row.commentCount,
    shareCount: row.shareCount,
    likedByMe: "likedByMe" in row ? row.likedByMe : liked.has(row.id),
    createdAt: new Date(row.createdAt).toISOString(),
    editedAt: row.editedAt === null ? null : new Date(row.editedAt).toISOString(),
  });
  return rows.map((row) => {
    const post: Post = view(row);
    if (row.sharedPostId !== null) {
      const original = shared.get(row.sharedPostId);
      post.sharedPost = original ? view(original) : null;
    }
    return post;
  });
}
