import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Each user's notifications. A group (likes on one post, new followers...) is one row while it is
 * unread: a new event of the group updates it (latest actor, one more distinct actor) instead of
 * adding a row; once read, the next event starts a new group.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    /** Events with the same key merge into this row while it is unread; null: never grouped. */
    groupKey: text("group_key"),
    /** The latest actor (null for notices without one). */
    actorId: text("actor_id"),
    /** Distinct actors in the group. */
    actorCount: integer("actor_count").notNull().default(1),
    /** JSON: the NotificationSubject. */
    subject: text("subject").notNull(),
    readAt: integer("read_at"),
    /** The latest activity: lists sort by it. */
    updatedAt: integer("updated_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    index("notifications_user_idx").on(table.userId, table.updatedAt, table.id),
    uniqueIndex("notifications_open_group_idx")
      .on(table.userId, table.groupKey)
      .where(sql`read_at IS NULL AND group_key IS NOT NULL`),
  ],
);

/** The distinct actors of a group, so that liking twice counts once. */
export const notificationActors = sqliteTable(
  "notification_actors",
  {
    notificationId: text("notification_id").notNull(),
    actorId: text("actor_id").notNull(),
  },
  (table) => [primaryKey({ columns: [table.notificationId, table.actorId] })],
);

/** Which events were already applied to which user's notifications (redelivery changes nothing). */
export const appliedEvents = sqliteTable(
  "applied_events",
  {
    eventId: text("event_id").notNull(),
    userId: text("user_id").notNull(),
    notificationId: text("notification_id").notNull(),
    at: integer("at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.eventId, table.userId] })],
);

/**
 * One row per (event, user, channel, target): a claim before sending and the outcome after, so
 * that a retried event never notifies anyone twice on any channel.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    eventId: text("event_id").notNull(),
    userId: text("user_id").notNull(),
    channel: text("channel").notNull(),
    /** Which subscription, token or address ("" when the channel has one target). */
    target: text("target").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.eventId, table.userId, table.channel, table.target] }),
    index("deliveries_updated_idx").on(table.updatedAt),
  ],
);

/** A user's choices, per notification type and channel; absent rows take the defaults. */
export const preferences = sqliteTable(
  "preferences",
  {
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    channel: text("channel").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.type, table.channel] })],
);

/** Where a user takes SMS (E.164), and where the last digest left off. */
export const contacts = sqliteTable("contacts", {
  userId: text("user_id").primaryKey(),
  phone: text("phone"),
  /** Messages up to this time are in a digest already. */
  digestedUntil: integer("digested_until").notNull().default(0),
});

/** Browser PushSubscriptions (Web Push). */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [
    uniqueIndex("push_subscriptions_endpoint_idx").on(table.endpoint),
    index("push_subscriptions_user_idx").on(table.userId),
  ],
);

/** Expo push tokens of a user's devices. */
export const expoTokens = sqliteTable(
  "expo_tokens",
  {
    token: text("token").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("expo_tokens_user_idx").on(table.userId)],
);

/** Expo push tickets whose receipts are still to be fetched. */
export const expoTickets = sqliteTable(
  "expo_tickets",
  {
    ticketId: text("ticket_id").primaryKey(),
    token: text("token").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("expo_tickets_created_idx").on(table.createdAt)],
);

/**
 * Users with at least one live channel socket open, kept by their UserChannel (a row on the first
 * socket, removed with the last). Lets a broadcast to many users (feed.new to an author's
 * followers) wake only the channels that have someone to tell. A stale row costs one wasted call.
 */
export const onlineUsers = sqliteTable("online_users", {
  userId: text("user_id").primaryKey(),
  since: integer("since").notNull(),
});
