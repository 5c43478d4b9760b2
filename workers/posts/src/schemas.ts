import { z } from "@hono/zod-openapi";
import { bodyText, optionalBodyText } from "../../../lib/text";

const idParam = (prefix: string, what: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), what)
    .openapi({ param: { name: "id", in: "path" } });

export const PostIdParam = z.object({ id: idParam("pst", "a post id") });
export const CommentIdParam = z.object({ id: idParam("cmt", "a comment id") });
export const HandleParam = z.object({
  handle: z
    .string()
    .regex(/^[a-z0-9_]{3,30}$/, "a handle")
    .openapi({ param: { name: "handle", in: "path" } }),
});

export const NewPost = z
  .strictObject({
    text: bodyText(5000),
    // The media service's RPC refuses anything that is not a media id, so it is refused here first.
    mediaIds: z
      .array(z.string().regex(/^med_[0-9A-HJKMNP-TV-Z]{26}$/, "a media id"))
      .max(10)
      .optional()
      .openapi({ description: "Your own uploaded media" }),
  })
  .openapi("NewPost");

export const PostEdit = z.strictObject({ text: bodyText(5000) }).openapi("PostEdit");
export const NewShare = z.strictObject({ text: optionalBodyText(5000).optional() }).openapi("NewShare");
export const NewComment = z.strictObject({ text: bodyText(2000) }).openapi("NewComment");

export const Author = z
  .object({ id: z.string(), handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable() })
  .openapi("Author");

const PostFields = {
  id: z.string(),
  author: Author,
  text: z.string(),
  media: z.array(z.object({ id: z.string(), contentType: z.string(), url: z.string() })),
  likeCount: z.number().int(),
  commentCount: z.number().int(),
  shareCount: z.number().int(),
  likedByMe: z.boolean(),
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
};

export const SharedPost = z.object(PostFields).openapi("SharedPost");

export const Post = z
  .object({
    ...PostFields,
    sharedPost: SharedPost.nullable().optional().openapi({
      description: "On a share: the post it reposts (null once that post is deleted)",
    }),
  })
  .openapi("Post");
export type Post = z.infer<typeof Post>;

export const PostPage = z
  .object({ items: z.array(Post), nextCursor: z.string().nullable() })
  .openapi("PostPage");

export const Comment = z
  .object({
    id: z.string(),
    postId: z.string(),
    author: Author,
    text: z.string(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Comment");
export type Comment = z.infer<typeof Comment>;

export const CommentPage = z
  .object({ items: z.array(Comment), nextCursor: z.string().nullable() })
  .openapi("CommentPage");

/**
 * What ranking needs of a post, without its text, media or author (posts service RPC
 * `engagementOf`): the feed ranks a window of candidates on these and hydrates only the page.
 */
export interface PostEngagement {
  id: string;
  authorId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  likeCount: number;
  commentCount: number;
  shareCount: number;
  /** For a share, the original's author and counts; null when it is not a share or the original is gone. */
  original: { authorId: string; likeCount: number; commentCount: number; shareCount: number } | null;
}
