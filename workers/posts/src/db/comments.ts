import { and, asc, eq, gt, or, type SQL } from "drizzle-orm";
import { statementOf } from "../../../../lib/events/outbox";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { PostsDb } from "./client";
import { comments } from "./schema";

export type CommentRow = typeof comments.$inferSelect;

/** The statement storing a new comment, for the batch that stores its event too. */
export function insertCommentStatement(db: PostsDb, row: CommentRow): D1PreparedStatement {
  return statementOf(db.$client, db.insert(comments).values(row));
}

/** When the post was last commented on, if ever (the top of comments_post_idx). */
export async function latestCommentAt(db: PostsDb, postId: string): Promise<number | null> {
  const row = await db.$client
    .prepare("SELECT max(created_at) AS at FROM comments WHERE post_id = ?1")
    .bind(postId)
    .first<{ at: number | null }>();
  return row?.at ?? null;
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
