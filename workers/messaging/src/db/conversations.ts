import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../../../lib/db";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { MessagingDb } from "./client";
import { conversationMembers, conversations } from "./schema";

export type ConversationRow = typeof conversations.$inferSelect;
export type ListedConversation = ConversationRow & { unread: number; listedAt: number };

/** Member rows per INSERT: D1 binds at most 100 parameters to one statement (6 columns a row). */
const MEMBER_ROWS_PER_INSERT = 16;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += MEMBER_ROWS_PER_INSERT) {
    out.push(rows.slice(start, start + MEMBER_ROWS_PER_INSERT));
  }
  return out;
}

export async function findConversation(db: MessagingDb, id: string): Promise<ConversationRow | undefined> {
  return db.query.conversations.findFirst({ where: eq(conversations.id, id) });
}

export async function findDirect(db: MessagingDb, directKey: string): Promise<ConversationRow | undefined> {
  return db.query.conversations.findFirst({ where: eq(conversations.directKey, directKey) });
}

/**
 * Inserts a conversation with its members in one batch. For a direct conversation whose pair
 * already has one (a concurrent create won the unique direct key), returns that one instead.
 */
export async function insertConversation(
  db: MessagingDb,
  row: ConversationRow,
  memberIds: string[],
): Promise<{ row: ConversationRow; created: boolean }> {
  const memberRows = memberIds.map((userId) => ({
    conversationId: row.id,
    userId,
    joinedAt: row.createdAt,
    activityAt: row.activityAt,
  }));
  try {
    await db.batch([
      db.insert(conversations).values(row),
      ...chunks(memberRows).map((rows) => db.insert(conversationMembers).values(rows)),
    ]);
    return { row, created: true };
  } catch (error) {
    if (row.directKey === null || !isUniqueViolation(error)) throw error;
    const existing = await findDirect(db, row.directKey);
    if (!existing) throw error;
    return { row: existing, created: false };
  }
}

export async function deleteConversation(db: MessagingDb, id: string): Promise<void> {
  await db.batch([
    db.delete(conversationMembers).where(eq(conversationMembers.conversationId, id)),
    db.delete(conversations).where(eq(conversations.id, id)),
  ]);
}

const countMembers = (id: string) =>
  sql`(SELECT count(*) FROM ${conversationMembers} WHERE ${conversationMembers.conversationId} = ${id})`;

/** Adds member rows (present ones are kept as they are) and recounts the conversation's members. */
export async function insertMembers(
  db: MessagingDb,
  conversation: ConversationRow,
  userIds: string[],
  now: number,
): Promise<void> {
  const rows = userIds.map((userId) => ({
    conversationId: conversation.id,
    userId,
    joinedAt: now,
    activityAt: conversation.activityAt,
  }));
  const [first, ...rest] = chunks(rows).map((chunk) =>
    db.insert(conversationMembers).values(chunk).onConflictDoNothing(),
  );
  if (!first) return;
  await db.batch([
    first,
    ...rest,
    db
      .update(conversations)
      .set({ memberCount: countMembers(conversation.id) })
      .where(eq(conversations.id, conversation.id)),
  ]);
}

export async function deleteMember(db: MessagingDb, conversationId: string, userId: string): Promise<void> {
  await db.batch([
    db
      .delete(conversationMembers)
      .where(
        and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId)),
      ),
    db
      .update(conversations)
      .set({ memberCount: countMembers(conversationId) })
      .where(eq(conversations.id, conversationId)),
  ]);
}

/** A user's conversations, most recently active first, with their unread counts. */
export async function pageMine(
  db: MessagingDb,
  userId: string,
  limit: number,
  after: KeysetCursor | null,
): Promise<ListedConversation[]> {
  const position = after
    ? or(
        lt(conversationMembers.activityAt, after.at),
        and(eq(conversationMembers.activityAt, after.at), lt(conversationMembers.conversationId, after.id)),
      )
    : undefined;
  const rows = await db
    .select({
      conversation: conversations,
      unread: conversationMembers.unread,
      listedAt: conversationMembers.activityAt,
    })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(and(eq(conversationMembers.userId, userId), position))
    .orderBy(desc(conversationMembers.activityAt), desc(conversationMembers.conversationId))
    .limit(limit);
  return rows.map(({ conversation, unread, listedAt }) => ({ ...conversation, unread, listedAt }));
}
