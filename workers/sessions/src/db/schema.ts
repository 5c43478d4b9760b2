import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Events stored until sent (lib/events/outbox.ts): invitations are stored before they are sent. */
export { outbox } from "../../../../lib/events/outbox";

/** The index of watch sessions; each session's live state is in its WatchSession object. */
export const watchSessions = sqliteTable(
  "watch_sessions",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    /** The creator; the live host (which can pass on) is the object's. */
    hostId: text("host_id").notNull(),
    mediaUrl: text("media_url").notNull(),
    visibility: text("visibility", { enum: ["private", "public"] }).notNull(),
    inviteCode: text("invite_code").notNull(),
    status: text("status", { enum: ["live", "ended"] }).notNull(),
    participantCount: integer("participant_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (table) => [
    index("watch_sessions_live_idx").on(table.status, table.visibility, table.createdAt, table.id),
    index("watch_sessions_host_idx").on(table.hostId, table.createdAt),
  ],
);

/** Everyone who has joined a session: they see it without the invite code from then on. */
export const sessionMembers = sqliteTable(
  "session_members",
  {
    sessionId: text("session_id").notNull(),
    userId: text("user_id").notNull(),
    joinedAt: integer("joined_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.sessionId, table.userId] }),
    index("session_members_user_idx").on(table.userId, table.sessionId),
  ],
);
