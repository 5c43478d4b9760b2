import { and, eq, inArray } from "drizzle-orm";
import { allRows, inChunks, placeholders, type TimeOrderedList } from "../../../../lib/db";
import { statementOf } from "../../../../lib/events/outbox";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { PostEngagement } from "../schemas";
import type { PostsDb } from "./client";
import { likes, posts, type StoredMedia } from "./schema";

export type PostRow = typeof posts.$inferSelect;

/** A post row as one viewer sees it: whether they like it comes with the row, in the same query. */
export type ViewedPostRow = PostRow & { likedByMe: boolean };

/**
 * The two reads every feed and timeline page makes (posts by id, an author's page) are written as
 * SQL once, here, rather than built by drizzle per call: bench/social measured drizzle's query
 * building at about 1 ms of CPU per read, as much as the D1 statement itself. The columns are the
 * `posts` table's (schema.ts); `rowOf` maps them, and the tests of every route that reads posts
 * cover both statements. Whether the viewer likes each post comes in the same statement (one
 * indexed probe of `likes` per row).
 */
const SELECT_VIEWED = `SELECT id, author_id, text, media, shared_post_id, like_count, comment_count,
  share_count, created_at, edited_at,
  EXISTS (SELECT 1 FROM likes WHERE likes.post_id = posts.id AND likes.user_id = ?1) AS liked_by_me
  FROM posts`;

type RawPost = {
  id: string;
  author_id: string;
  text: string;
  media: string;
  shared_post_id: string | null;
  like_count: number;
  comment_count: number;
  share_count: number;
  created_at: number;
  edited_at: number | null;
  liked_by_me: number;
};

function rowOf(raw: RawPost): ViewedPostRow {
  return {
    id: raw.id,
    authorId: raw.author_id,
    text: raw.text,
    media: JSON.parse(raw.media) as StoredMedia[],
    sharedPostId: raw.shared_post_id,
    likeCount: raw.like_count,
    commentCount: raw.comment_count,
    shareCount: raw.share_count,
    createdAt: raw.created_at,
    editedAt: raw.edited_at,
    likedByMe: raw.liked_by_me === 1,
  };
}

/**
 * An author's posts and shares, in the order they were made (posts_author_idx), for
 * lib/events/outbox.ts commitInTimeOrder: even posts made within one millisecond keep that order.
 */
export const AUTHOR_POSTS: TimeOrderedList = {
  table: "posts",
  id: "id",
  list: "author_id",
  time: "created_at",
};

/** A new post's columns, but its time (which commitInTimeOrder gives it). */
export function postColumns(row: Omit<PostRow, "createdAt">) {
  return {
    id: row.id,
    author_id: row.authorId,
    text: row.text,
    media: JSON.stringify(row.media),
    shared_post_id: row.sharedPostId,
    like_count: row.likeCount,
    comment_count: row.commentCount,
    share_count: row.shareCount,
    edited_at: row.editedAt,
  };
}

export async function findPost(db: PostsDb, id: string): Promise<PostRow | undefined> {
  return db.query.posts.findFirst({ where: eq(posts.id, id) });
}

/** Posts by id (in no particular order) as the viewer sees them: one statement per 90 ids, one batch. */
export async function findPosts(
  db: PostsDb,
  ids: string[],
  viewerId: string | null,
): Promise<ViewedPostRow[]> {
  const d1 = db.$client;
  const statements = inChunks([...new Set(ids)]).map((chunk) =>
    d1.prepare(`${SELECT_VIEWED} WHERE id IN (${placeholders(chunk.length, 2)})`).bind(viewerId, ...chunk),
  );
  return (await allRows<RawPost>(d1, statements)).map(rowOf);
}

type RawEngagement = {
  id: string;
  author_id: string;
  created_at: number;
  like_count: number;
  comment_count: number;
  share_count: number;
  original_author_id: string | null;
  original_like_count: number | null;
  original_comment_count: number | null;
  original_share_count: number | null;
};

/** Ranking's view of posts by id (in no particular order): counts, author and time, and a share's original's. */
export async function findEngagement(db: PostsDb, ids: string[]): Promise<PostEngagement[]> {
  const d1 = db.$client;
  const statements = inChunks([...new Set(ids)]).map((chunk) =>
    d1
      .prepare(
        `SELECT p.id, p.author_id, p.created_at, p.like_count, p.comment_count, p.share_count,
           o.author_id AS original_author_id, o.like_count AS original_like_count,
           o.comment_count AS original_comment_count, o.share_count AS original_share_count
         FROM posts p LEFT JOIN posts o ON o.id = p.shared_post_id
         WHERE p.id IN (${placeholders(chunk.length, 1)})`,
      )
      .bind(...chunk),
  );
  return (await allRows<RawEngagement>(d1, statements)).map((raw) => ({
    id: raw.id,
    authorId: raw.author_id,
    createdAt: raw.created_at,
    likeCount: raw.like_count,
    commentCount: raw.comment_count,
    shareCount: raw.share_count,
    original:
      raw.original_author_id === null
        ? null
        : {
            authorId: raw.original_author_id,
            likeCount: raw.original_like_count ?? 0,
            commentCount: raw.original_comment_count ?? 0,
            shareCount: raw.original_share_count ?? 0,
          },
  }));
}

export async function updatePostText(db: PostsDb, id: string, text: string, editedAt: number) {
  const [row] = await db.update(posts).set({ text, editedAt }).where(eq(posts.id, id)).returning();
  return row;
}

/**
 * The statement deleting a post (it changes no row when the post is gone already); its comments
 * and likes go with it (trigger), and shares lose their original.
 */
export function deletePostStatement(db: PostsDb, id: string): D1PreparedStatement {
  return statementOf(db.$client, db.delete(posts).where(eq(posts.id, id)));
}

/** A page of posts by some authors, newest first (keyset on time and id). */
export async function pagePostsByAuthors(
  db: PostsDb,
  authorIds: string[],
  limit: number,
  after: KeysetCursor | null,
  viewerId: string | null,
): Promise<ViewedPostRow[]> {
  if (authorIds.length === 0) return [];
  const authors = `author_id IN (${placeholders(authorIds.length, 2)})`;
  const next = authorIds.length + 2;
  const position = after ? ` AND (created_at, id) < (?${next}, ?${next + 1})` : "";
  const { results } = await db.$client
    .prepare(
      `${SELECT_VIEWED} WHERE ${authors}${position} ORDER BY created_at DESC, id DESC LIMIT ?${next + (after ? 2 : 0)}`,
    )
    .bind(viewerId, ...authorIds, ...(after ? [after.at, after.id] : []), limit)
    .all<RawPost>();
  return results.map(rowOf);
}

/** Which of these posts the user likes. */
export async function likedAmong(db: PostsDb, userId: string, postIds: string[]): Promise<Set<string>> {
  const [first, ...rest] = inChunks([...new Set(postIds)]).map((chunk) =>
    db
      .select({ postId: likes.postId })
      .from(likes)
      .where(and(eq(likes.userId, userId), inArray(likes.postId, chunk))),
  );
  if (!first) return new Set();
  const rows = (await db.batch([first, ...rest])).flat();
  return new Set(rows.map((row) => row.postId));
}

/** The statement adding the like unless it exists (then it changes no row). */
export function insertLikeStatement(
  db: PostsDb,
  postId: string,
  userId: string,
  now: number,
): D1PreparedStatement {
  return statementOf(
    db.$client,
    db.insert(likes).values({ postId, userId, createdAt: now }).onConflictDoNothing(),
  );
}

export async function deleteLike(db: PostsDb, postId: string, userId: string): Promise<void> {
  await db.delete(likes).where(and(eq(likes.postId, postId), eq(likes.userId, userId)));
}
