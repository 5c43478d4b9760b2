import { findPosts, likedAmong, type PostRow } from "./db/posts";
import type { PostsDeps } from "./deps";
import type { Post } from "./schemas";

type Author = Post["author"];

const UNKNOWN_AUTHOR = (id: string): Author => ({
  id,
  handle: "unknown",
  displayName: "Unknown",
  avatarUrl: null,
});

/** Authors by id, asked of the users service in batches of 100 (its RPC limit). */
export async function authorsOf(
  deps: Pick<PostsDeps, "users">,
  ids: string[],
  known: Author[] = [],
): Promise<Map<string, Author>> {
  const have = new Map(known.map((author) => [author.id, author]));
  const unique = [...new Set(ids)].filter((id) => !have.has(id));
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += 100) batches.push(unique.slice(i, i + 100));
  const found = (await Promise.all(batches.map((batch) => deps.users.getProfiles(batch)))).flat();
  for (const author of found) have.set(author.id, author);
  return have;
}

/**
 * Rows as the API shows them: authors from the users service (one batched call), the viewer's
 * likes (one query) and, for shares, the original post (one query), whatever the number of rows.
 */
export async function hydratePosts(
  deps: PostsDeps,
  rows: PostRow[],
  viewerId: string | null,
  /** Authors the caller already has (a user timeline's), not asked for again. */
  knownAuthors: Author[] = [],
): Promise<Post[]> {
  const sharedIds = rows.map((row) => row.sharedPostId).filter((id): id is string => id !== null);
  const shared = new Map((await findPosts(deps.db, sharedIds)).map((row) => [row.id, row]));
  const all = [...rows, ...shared.values()];
  const [authors, liked] = await Promise.all([
    authorsOf(
      deps,
      all.map((row) => row.authorId),
      knownAuthors,
    ),
    viewerId
      ? likedAmong(
          deps.db,
          viewerId,
          all.map((row) => row.id),
        )
      : Promise.resolve(new Set<string>()),
  ]);
  const view = (row: PostRow) => ({
    id: row.id,
    author: authors.get(row.authorId) ?? UNKNOWN_AUTHOR(row.authorId),
    text: row.text,
    media: row.media,
    likeCount: row.likeCount,
    commentCount: row.commentCount,
    shareCount: row.shareCount,
    likedByMe: liked.has(row.id),
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
