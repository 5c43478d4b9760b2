import { and, eq } from "drizzle-orm";
import type { ChatMessage } from "../../../../durable-objects/chat-room/protocol";
import { messagingDb } from "./client";
import { conversationMembers, conversations } from "./schema";

/** What a ChatRoom tells the index from its alarm: the last message, and each member's unread count. */
export interface IndexSync {
  conversationId: string;
  activityAt: number;
  lastMessage: ChatMessage | null;
  members: { userId: string; readSeq: number; unread: number }[];
}

const PREVIEW_CHARS = 280;

/** One batch: the conversation row and every member row (rows of members who left are gone). */
export async function syncConversationIndex(d1: D1Database, sync: IndexSync): Promise<void> {
  const db = messagingDb(d1);
  const last = sync.lastMessage;
  const conversation = db
    .update(conversations)
    .set({
      activityAt: sync.activityAt,
      lastMessageId: last?.id ?? null,
      lastMessageSenderId: last?.senderId ?? null,
      lastMessagePreview: last ? last.text.slice(0, PREVIEW_CHARS) : null,
      lastMessageAt: last?.createdAt ?? null,
      lastMessageSeq: last?.seq ?? null,
    })
    .where(eq(conversations.id, sync.conversationId));
  const members = sync.members.map((member) =>
    db
      .update(conversationMembers)
      .set({ activityAt: sync.activityAt, unread: member.unread, readSeq: member.readSeq })
      .where(
        and(
          eq(conversationMembers.conversationId, sync.conversationId),
          eq(conversationMembers.userId, member.userId),
        ),
      ),
  );
  await db.batch([conversation, ...members]);
}
