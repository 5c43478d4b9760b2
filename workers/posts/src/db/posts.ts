import { and, desc, eq, getTableColumns, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { PostsDb } from "./client";
import { likes, posts } from "./schema";

export type PostRow = typeof posts.$inferSelect;

/** A post row as one viewer sees it: whether they like it comes with the row, in the same query. */
export type ViewedPostRow = PostRow & { likedByMe: boolean };

/** The post's columns and, for a signed-in viewer, whether they like it (one indexed probe per row). */
function columnsFor(viewerId: string | null) {
  const likedByMe =
    viewerId === null
      ? sql<number>`0`.as("liked_by_me")
      : sql<number>`EXISTS (SELECT 1 FROM ${likes} WHERE ${likes.postId} = ${posts.id} AND ${likes.userId} = ${viewerId})`.as(
          "liked_by_me",
        );
  return { ...getTableColumns(posts), likedByMe };
}

function viewed(row: PostRow & { likedByMe: number | boolean }): ViewedPostRow {
  return { ...row, likedByMe: Boolean(row.likedByMe) };
}

export async function insertPost(db: PostsDb, row: PostRow): Promise<void> {
  await db.insert(posts).values(row);
}

export async function findPost(db: PostsDb, id: string): Promise<PostRow | undefined> {
  return db.query.posts.findFirst({ where: eq(posts.id, id) });
}

/**
 * D1 binds at most 100 parameters per statement: long id lists are queried in chunks (one batch,
 * one round trip).
 */
const MAX_IDS_PER_STATEMENT = 90;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_IDS_PER_STATEMENT)
    out.push(items.slice(i, i + MAX_IDS_PER_STATEMENT));
  return out;
}

/** Posts by id (in no particular order) as the viewer sees them: one statement per 90 ids, one batch. */
export async function findPosts(
  db: PostsDb,
  ids: string[],
  viewerId: string | null,
): Promise<ViewedPostRow[]> {
  const [first, ...rest] = chunks([...new Set(ids)]).map((chunk) =>
    db.select(columnsFor(viewerId)).from(posts).where(inArray(posts.id, chunk)),
  );
  if (!first) return [];
  return (await db.batch([first, ...rest])).flat().map(viewed);
}

export async function updatePostText(db: PostsDb, id: string, text: string, editedAt: number) {
  const [row] = await db.update(posts).set({ text, editedAt }).where(eq(posts.id, id)).returning();
  return row;
}

/** Deletes a post; its comments and likes go with it (trigger), and shares lose their original. */
export async function deletePost(db: PostsDb, id: string): Promise<boolean> {
  const rows = await db.delete(posts).where(eq(posts.id, id)).returning({ id: posts.id });
  return rows.length > 0;
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
  const conditions: (SQL | undefined)[] = [inArray(posts.authorId, authorIds)];
  if (after) {
    conditions.push(
      or(lt(posts.createdAt, after.at), and(eq(posts.createdAt, after.at), lt(posts.id, after.id))),
    );
  }
  const rows = await db
    .select(columnsFor(viewerId))
    .from(posts)
    .where(and(...conditions))
    .orderBy(desc(posts.createdAt), desc(posts.id))
    .limit(limit);
  return rows.map(viewed);
}

/** Which of these posts the user likes. */
export async function likedAmong(db: PostsDb, userId: string, postIds: string[]): Promise<Set<string>> {
  const [first, ...rest] = chunks([...new Set(postIds)]).map((chunk) =>
    db
      .select({ postId: likes.postId })
      .from(likes)
      .where(and(eq(likes.userId, userId), inArray(likes.postId, chunk))),
  );
  if (!first) return new Set();
  const rows = (await db.batch([first, ...rest])).flat();
  return new Set(rows.map((row) => row.postId));
}

/** Adds the like unless it exists; true when it was new. */
export async function insertLike(db: PostsDb, postId: string, userId: string, now: number): Promise<boolean> {
  const rows = await db
    .insert(likes)
    .values({ postId, userId, createdAt: now })
    .onConflictDoNothing()
    .returning({ at: likes.createdAt });
  return rows.length > 0;
}

export async function deleteLike(db: PostsDb, postId: string, userId: string): Promise<void> {
  await db.delete(likes).where(and(eq(likes.postId, postId), eq(likes.userId, userId)));
}
