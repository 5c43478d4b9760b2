import { AppError } from "../../../lib/errors";
import { commitInTimeOrder } from "../../../lib/events/outbox";
import { domainEvent, type EventContext } from "../../../lib/events/publish";
import { newId } from "../../../lib/ids";
import { decodeCursor, KeysetCursor, pageOf } from "../../../lib/pagination";
import {
  type CommentRow,
  commentColumns,
  deleteComment,
  findComment,
  POST_COMMENTS,
  pageComments,
} from "./db/comments";
import { findPost } from "./db/posts";
import type { PostsDeps } from "./deps";
import { authorsOf } from "./hydrate";
import { mentionsIn } from "./mentions";
import type { Comment } from "./schemas";

async function view(deps: PostsDeps, rows: CommentRow[]): Promise<Comment[]> {
  const authors = await authorsOf(
    deps,
    rows.map((row) => row.authorId),
  );
  return rows.map((row) => ({
    id: row.id,
    postId: row.postId,
    author: authors.get(row.authorId) ?? {
      id: row.authorId,
      handle: "unknown",
      displayName: "Unknown",
      avatarUrl: null,
    },
    text: row.text,
    createdAt: new Date(row.createdAt).toISOString(),
  }));
}

export async function addComment(
  deps: PostsDeps,
  events: EventContext,
  postId: string,
  text: string,
): Promise<Comment> {
  const post = await findPost(deps.db, postId);
  if (!post) throw new AppError("not_found", "no such post");
  const fields = { id: newId("cmt"), postId, authorId: events.actorId, text };
  const created = domainEvent(
    "comment.created",
    {
      commentId: fields.id,
      postId,
      postAuthorId: post.authorId,
      authorId: fields.authorId,
      mentions: mentionsIn(text),
    },
    events,
  );
  const row: CommentRow = {
    ...fields,
    createdAt: await commitInTimeOrder(deps.outbox, POST_COMMENTS, commentColumns(fields), deps.now, [
      created,
    ]),
  };
  const [comment] = await view(deps, [row]);
  if (!comment) throw new AppError("internal", "a comment did not hydrate");
  return comment;
}

export async function listComments(deps: PostsDeps, postId: string, limit: number, cursor?: string) {
  if (!(await findPost(deps.db, postId))) throw new AppError("not_found", "no such post");
  const after = cursor ? decodeCursor(KeysetCursor, cursor) : null;
  const rows = await pageComments(deps.db, postId, limit + 1, after);
  const page = pageOf(rows, limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { items: await view(deps, page.items), nextCursor: page.nextCursor };
}

/** The comment's author or the post's author may delete it. */
export async function removeComment(deps: PostsDeps, userId: string, commentId: string): Promise<void> {
  const comment = await findComment(deps.db, commentId);
  if (!comment) throw new AppError("not_found", "no such comment");
  const post = await findPost(deps.db, comment.postId);
  if (comment.authorId !== userId && post?.authorId !== userId) {
    throw new AppError("forbidden", "only the comment's author or the post's author can delete it");
  }
  await deleteComment(deps.db, commentId);
}
