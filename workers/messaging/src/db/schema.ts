import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The index of conversations. Each conversation's messages and its authoritative member list are
 * in its ChatRoom object; this index answers "my conversations" with their last message and unread
 * counts, kept current by the room's alarm (never written per message).
 */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["direct", "group"] }).notNull(),
    title: text("title"),
    creatorId: text("creator_id").notNull(),
    /** Both members' ids, sorted and joined by ":" (direct conversations only): one per pair. */
    directKey: text("direct_key"),
    memberCount: integer("member_count").notNull(),
    createdAt: integer("created_at").notNull(),
    /** The last message's time, or createdAt: what lists sort by. */
    activityAt: integer("activity_at").notNull(),
    lastMessageId: text("last_message_id"),
    lastMessageSenderId: text("last_message_sender_id"),
    lastMessagePreview: text("last_message_preview"),
    lastMessageAt: integer("last_message_at"),
    lastMessageSeq: integer("last_message_seq"),
  },
  (table) => [uniqueIndex("conversations_direct_key_idx").on(table.directKey)],
);

/** Who is in which conversation, with what each has not read (as of the room's last sync). */
export const conversationMembers = sqliteTable(
  "conversation_members",
  {
    conversationId: text("conversation_id").notNull(),
    userId: text("user_id").notNull(),
    joinedAt: integer("joined_at").notNull(),
    /** The conversation's activityAt, copied here so a user's list is one index range. */
    activityAt: integer("activity_at").notNull(),
    unread: integer("unread").notNull().default(0),
    readSeq: integer("read_seq").notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.conversationId, table.userId] }),
    index("conversation_members_user_idx").on(table.userId, table.activityAt, table.conversationId),
  ],
);
