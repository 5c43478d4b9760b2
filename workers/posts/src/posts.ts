import { AppError } from "../../../lib/errors";
import type { DomainEvent } from "../../../lib/events/catalog";
import { commitInTimeOrder, commitWithEvents } from "../../../lib/events/outbox";
import { domainEvent, type EventContext } from "../../../lib/events/publish";
import { newId } from "../../../lib/ids";
import { decodeCursor, KeysetCursor, pageOf } from "../../../lib/pagination";
import {
  AUTHOR_POSTS,
  deleteLike,
  deletePostStatement,
  findPost,
  insertLikeStatement,
  type PostRow,
  pagePostsByAuthors,
  postColumns,
  updatePostText,
  type ViewedPostRow,
} from "./db/posts";
import type { StoredMedia } from "./db/schema";
import type { PostsDeps } from "./deps";
import { authorByHandle, hydratePosts } from "./hydrate";
import { mentionsIn } from "./mentions";
import type { Post } from "./schemas";

async function existingPost(deps: PostsDeps, id: string): Promise<PostRow> {
  const row = await findPost(deps.db, id);
  if (!row) throw new AppError("not_found", "no such post");
  return row;
}

/**
 * Stores a new post (or share) by the actor with its post.created event and any `more` events
 * about it. An author's posts keep the order they were made in, here and in every timeline, even
 * within one millisecond (commitInTimeOrder).
 */
async function storeNewPost(
  deps: PostsDeps,
  events: EventContext,
  fields: Pick<PostRow, "text" | "media" | "sharedPostId">,
  more: (row: Omit<PostRow, "createdAt">) => DomainEvent[] = () => [],
): Promise<PostRow> {
  const row = {
    id: newId("pst"),
    authorId: events.actorId,
    ...fields,
    likeCount: 0,
    commentCount: 0,
    shareCount: 0,
    editedAt: null,
  };
  const created = domainEvent(
    "post.created",
    {
      postId: row.id,
      authorId: row.authorId,
      sharedPostId: row.sharedPostId,
      mentions: mentionsIn(row.text),
      // For now: commitInTimeOrder stores and sends the event with the post's stored time.
      createdAt: deps.now,
    },
    events,
  );
  const createdAt = await commitInTimeOrder(deps.outbox, AUTHOR_POSTS, postColumns(row), deps.now, [
    created,
    ...more(row),
  ]);
  return { ...row, createdAt };
}

async function one(deps: PostsDeps, row: PostRow | ViewedPostRow, viewerId: string | null): Promise<Post> {
  const [post] = await hydratePosts(deps, [row], viewerId);
  if (!post) throw new AppError("internal", "a post did not hydrate", { cause: row.id });
  return post;
}

/** A post made by this request: nobody has liked it yet, so hydrating it asks D1 nothing about likes. */
function newlyMade(row: PostRow): ViewedPostRow {
  return { ...row, likedByMe: false };
}

/** The caller's own, fully uploaded media among `ids`, in the order given; anything else is refused. */
async function attachableMedia(deps: PostsDeps, ownerId: string, ids: string[]): Promise<StoredMedia[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const owned = new Map((await deps.media.ownedMedia({ ownerId, ids: unique })).map((m) => [m.id, m]));
  const missing = unique.filter((id) => !owned.has(id));
  if (missing.length > 0) {
    throw new AppError("validation_failed", "some media are not yours or not uploaded", {
      details: missing.map((id) => ({ path: "body.mediaIds", message: `no media ${id} of yours` })),
    });
  }
  return unique.flatMap((id) => {
    const media = owned.get(id);
    return media ? [{ id: media.id, contentType: media.contentType, url: media.url }] : [];
  });
}

export async function createPost(
  deps: PostsDeps,
  events: EventContext,
  input: { text: string; mediaIds?: string[] | undefined },
): Promise<Post> {
  const authorId = events.actorId;
  const media = await attachableMedia(deps, authorId, input.mediaIds ?? []);
  const row = await storeNewPost(deps, events, { text: input.text, media, sharedPostId: null });
  return one(deps, newlyMade(row), authorId);
}

export async function getPost(deps: PostsDeps, id: string, viewerId: string | null): Promise<Post> {
  return one(deps, await existingPost(deps, id), viewerId);
}

export async function editPost(deps: PostsDeps, userId: string, id: string, text: string): Promise<Post> {
  const row = await existingPost(deps, id);
  if (row.authorId !== userId) throw new AppError("forbidden", "only the author can edit a post");
  const updated = await updatePostText(deps.db, id, text, deps.now);
  if (!updated) throw new AppError("not_found", "no such post");
  return one(deps, updated, userId);
}

export async function deletePost(deps: PostsDeps, events: EventContext, id: string): Promise<void> {
  const row = await existingPost(deps, id);
  if (row.authorId !== events.actorId) throw new AppError("forbidden", "only the author can delete a post");
  // A concurrent delete may win: then this one changes nothing and says nothing.
  await commitWithEvents(
    deps.outbox,
    [deletePostStatement(deps.db, id)],
    [domainEvent("post.deleted", { postId: id, authorId: row.authorId }, events)],
    { ifChanged: true },
  );
}

/** Reposts a post, optionally quoting it. A share of a share reposts the original. */
export async function sharePost(
  deps: PostsDeps,
  events: EventContext,
  id: string,
  text?: string,
): Promise<Post> {
  const target = await existingPost(deps, id);
  const original = target.sharedPostId ? await findPost(deps.db, target.sharedPostId) : target;
  if (!original) throw new AppError("not_found", "the post this share shares has been deleted");
  const row = await storeNewPost(
    deps,
    events,
    { text: text ?? "", media: [], sharedPostId: original.id },
    (row) => [
      domainEvent(
        "post.shared",
        {
          postId: row.id,
          originalPostId: original.id,
          originalAuthorId: original.authorId,
          userId: row.authorId,
        },
        events,
      ),
    ],
  );
  return one(deps, newlyMade(row), row.authorId);
}

export async function likePost(deps: PostsDeps, events: EventContext, id: string): Promise<void> {
  const row = await existingPost(deps, id);
  // Liking twice stores nothing the second time, and no event either.
  await commitWithEvents(
    deps.outbox,
    [insertLikeStatement(deps.db, id, events.actorId, deps.now)],
    [domainEvent("post.liked", { postId: id, postAuthorId: row.authorId, userId: events.actorId }, events)],
    { ifChanged: true },
  );
}

export async function unlikePost(deps: PostsDeps, userId: string, id: string): Promise<void> {
  await existingPost(deps, id);
  await deleteLike(deps.db, id, userId);
}

/** A user's own posts and shares, newest first. */
export async function userTimeline(
  deps: PostsDeps,
  handle: string,
  viewerId: string | null,
  limit: number,
  cursor?: string,
) {
  const author = await authorByHandle(deps, handle);
  if (!author) throw new AppError("not_found", `no user @${handle}`);
  const after = cursor ? decodeCursor(KeysetCursor, cursor) : null;
  const rows = await pagePostsByAuthors(deps.db, [author.id], limit + 1, after, viewerId);
  const page = pageOf(rows, limit, (row) => ({ at: row.createdAt, id: row.id }));
  // The author is known already: hydration need not ask the users service for them again.
  return { items: await hydratePosts(deps, page.items, viewerId, [author]), nextCursor: page.nextCursor };
}
