import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Times are milliseconds since the epoch. */

/** Events stored with the changes they describe, until sent (lib/events/outbox.ts). */
export { outbox } from "../../../../lib/events/outbox";

export const profiles = sqliteTable("profiles", {
  /** The account id the auth service chose (usr_...). */
  id: text("id").primaryKey(),
  handle: text("handle").notNull().unique(),
  displayName: text("display_name").notNull(),
  bio: text("bio").notNull().default(""),
  avatarUrl: text("avatar_url"),
  /** Kept exact by triggers on `follows` (see the custom migration). */
  followersCount: integer("followers_count").notNull().default(0),
  followingCount: integer("following_count").notNull().default(0),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const follows = sqliteTable(
  "follows",
  {
    followerId: text("follower_id").notNull(),
    followeeId: text("followee_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.followerId, table.followeeId] }),
    // Keyset pages: newest first, ties broken by the other side's id.
    index("follows_followee_idx").on(table.followeeId, table.createdAt, table.followerId),
    index("follows_follower_idx").on(table.followerId, table.createdAt, table.followeeId),
  ],
);
