import { and, asc, eq, gt, or, type SQL } from "drizzle-orm";
import { insertAfterList, newestInList, type TimeOrderedList } from "../../../../lib/db";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { PostsDb } from "./client";
import { comments } from "./schema";

export type CommentRow = typeof comments.$inferSelect;

/** A post's comments, in the order they were written (comments_post_idx). */
const POST_COMMENTS: TimeOrderedList = { table: "comments", list: "post_id", time: "created_at" };

/**
 * The statement storing a new comment, for the batch that stores its event too. It stores nothing
 * when the post has a comment at or after its time (lib/events/outbox.ts commitInTimeOrder).
 */
export function insertCommentStatement(db: PostsDb, row: CommentRow): D1PreparedStatement {
  return insertAfterList(db.$client, POST_COMMENTS, {
    id: row.id,
    post_id: row.postId,
    author_id: row.authorId,
    text: row.text,
    created_at: row.createdAt,
  });
}

/** When the post was last commented on, if ever. */
export function latestCommentAt(db: PostsDb, postId: string): Promise<number | null> {
  return newestInList(db.$client, POST_COMMENTS, postId);
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
