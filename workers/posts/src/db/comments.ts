import { and, asc, eq, gt, or, type SQL } from "drizzle-orm";
import type { TimeOrderedList } from "../../../../lib/db";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { PostsDb } from "./client";
import { comments } from "./schema";

export type CommentRow = typeof comments.$inferSelect;

/**
 * A post's comments, in the order they were written (comments_post_idx), for lib/events/outbox.ts
 * commitInTimeOrder: even comments written within one millisecond keep that order.
 */
export const POST_COMMENTS: TimeOrderedList = {
  table: "comments",
  id: "id",
  list: "post_id",
  time: "created_at",
};

/** A new comment's columns, but its time (which commitInTimeOrder gives it). */
export function commentColumns(row: Omit<CommentRow, "createdAt">) {
  return { id: row.id, post_id: row.postId, author_id: row.authorId, text: row.text };
}

export async function findComment(db: PostsDb, id: string): Promise<CommentRow | undefined> {
  return db.query.comments.findFirst({ where: eq(comments.id, id) });
}

export async function deleteComment(db: PostsDb, id: string): Promise<void> {
  await db.delete(comments).where(eq(comments.id, id));
}

/** A page of a post's comments, oldest first, so a conversation reads in order. */
export async function pageComments(
  db: PostsDb,
  postId: string,
  limit: number,
  after: KeysetCursor | null,
): Promise<CommentRow[]> {
  const conditions: (SQL | undefined)[] = [eq(comments.postId, postId)];
  if (after) {
    conditions.push(
      or(gt(comments.createdAt, after.at), and(eq(comments.createdAt, after.at), gt(comments.id, after.id))),
    );
  }
  return db
    .select()
    .from(comments)
    .where(and(...conditions))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(limit);
}
