import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Times are milliseconds since the epoch. Counts are kept exact by triggers (migration 0001). */

/** Events stored with the changes they describe, until sent (lib/events/outbox.ts). */
export { outbox } from "../../../../lib/events/outbox";

export interface StoredMedia {
  id: string;
  contentType: string;
  url: string;
}

export const posts = sqliteTable(
  "posts",
  {
    id: text("id").primaryKey(),
    authorId: text("author_id").notNull(),
    text: text("text").notNull(),
    /** The media as they were when attached (media never change). */
    media: text("media", { mode: "json" }).$type<StoredMedia[]>().notNull(),
    /** Set on a share: the post it reposts. */
    sharedPostId: text("shared_post_id"),
    likeCount: integer("like_count").notNull().default(0),
    commentCount: integer("comment_count").notNull().default(0),
    shareCount: integer("share_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    editedAt: integer("edited_at"),
  },
  (table) => [
    index("posts_author_idx").on(table.authorId, table.createdAt, table.id),
    index("posts_shared_idx").on(table.sharedPostId),
  ],
);

export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    postId: text("post_id").notNull(),
    authorId: text("author_id").notNull(),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("comments_post_idx").on(table.postId, table.createdAt, table.id)],
);

export const likes = sqliteTable(
  "likes",
  {
    postId: text("post_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.postId, table.userId] }),
    index("likes_user_idx").on(table.userId),
  ],
);
