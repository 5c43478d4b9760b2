import type { ChatRoom } from "../../../durable-objects/chat-room/chat-room";
import type { NewMember, Refusal, RoomView } from "../../../durable-objects/chat-room/rpc";
import { AppError, type FieldIssue } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { decodeCursor, KeysetCursor, pageOf } from "../../../lib/pagination";
import type { MessagingDb } from "./db/client";
import {
  type ConversationRow,
  deleteConversation,
  deleteMember,
  findConversation,
  findDirect,
  insertConversation,
  insertMembers,
  type ListedConversation,
  pageMine,
} from "./db/conversations";

export interface MessagingDeps {
  db: MessagingDb;
  rooms: DurableObjectNamespace<ChatRoom>;
  users: MessagingEnv["USERS"];
  now: number;
}

export function roomOf(deps: Pick<MessagingDeps, "rooms">, conversationId: string) {
  return deps.rooms.get(deps.rooms.idFromName(conversationId));
}

/** A conversation as lists show it, from its index row. */
export function toConversation(row: ConversationRow, unread: number) {
  const last =
    row.lastMessageId !== null &&
    row.lastMessageSenderId !== null &&
    row.lastMessageAt !== null &&
    row.lastMessageSeq !== null
      ? {
          id: row.lastMessageId,
          senderId: row.lastMessageSenderId,
          preview: row.lastMessagePreview ?? "",
          createdAt: row.lastMessageAt,
          seq: row.lastMessageSeq,
        }
      : null;
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    creatorId: row.creatorId,
    memberCount: row.memberCount,
    createdAt: new Date(row.createdAt).toISOString(),
    lastMessage: last,
    unread,
  };
}

/**
 * Starts a conversation with the people behind `handles`: a direct one when there is one other
 * person (the same pair always gets the same conversation back), a group otherwise.
 */
export async function createConversation(
  deps: MessagingDeps,
  creatorId: string,
  input: { memberHandles: string[]; title?: string | undefined },
) {
  const creator = await deps.users.getProfile(creatorId);
  if (!creator) throw new AppError("forbidden", "finish your profile first");
  const others = (await resolveHandles(deps, input.memberHandles, "memberHandles")).filter(
    (member) => member.userId !== creatorId,
  );
  if (others.length === 0) {
    throw invalid("memberHandles", "name at least one other person");
  }
  const kind = others.length === 1 ? "direct" : "group";
  if (kind === "direct" && input.title !== undefined) {
    throw invalid("title", "a direct conversation has no title");
  }
  const members: NewMember[] = [{ userId: creatorId, handle: creator.handle }, ...others];
  const directKey =
    kind === "direct"
      ? members
          .map((m) => m.userId)
          .sort()
          .join(":")
      : null;

  const existing = directKey ? await findDirect(deps.db, directKey) : undefined;
  const { row, created } = existing
    ? { row: existing, created: false }
    : await insertConversation(
        deps.db,
        {
          id: newId("cnv", deps.now),
          kind,
          title: input.title ?? null,
          creatorId,
          directKey,
          memberCount: members.length,
          createdAt: deps.now,
          activityAt: deps.now,
          lastMessageId: null,
          lastMessageSenderId: null,
          lastMessagePreview: null,
          lastMessageAt: null,
          lastMessageSeq: null,
        },
        members.map((m) => m.userId),
      );

  try {
    // Idempotent: an existing room keeps its state and takes back a member who had left.
    await roomOf(deps, row.id).initialize({
      id: row.id,
      kind: row.kind,
      title: row.title,
      creatorId: row.creatorId,
      createdAt: row.createdAt,
      members,
    });
  } catch (error) {
    // A group nobody can reach is removed again; a direct pair is repaired by the next create.
    if (created && kind === "group") await deleteConversation(deps.db, row.id);
    throw error;
  }
  if (!created)
    await insertMembers(
      deps.db,
      row,
      members.map((m) => m.userId),
      deps.now,
    );
  const view = await requireView(deps, row.id, creatorId);
  const current = (await findConversation(deps.db, row.id)) ?? row;
  return { created, conversation: detailOf(current, view) };
}

export async function listConversations(deps: MessagingDeps, userId: string, limit: number, cursor?: string) {
  const after = cursor ? decodeCursor(KeysetCursor, cursor) : null;
  const rows = await pageMine(deps.db, userId, limit + 1, after);
  const page = pageOf(rows, limit, (row: ListedConversation) => ({ at: row.listedAt, id: row.id }));
  return { items: page.items.map((row) => toConversation(row, row.unread)), nextCursor: page.nextCursor };
}

/** The conversation with its members, for a member. */
export async function conversationDetail(deps: MessagingDeps, conversationId: string, userId: string) {
  const row = await requireConversation(deps, conversationId);
  return detailOf(row, await requireView(deps, conversationId, userId));
}

/** A member adds people to a group; returns the conversation as it is now. */
export async function addMembers(deps: MessagingDeps, conversationId: string, by: string, handles: string[]) {
  const row = await requireConversation(deps, conversationId);
  const newcomers = await resolveHandles(deps, handles, "handles");
  const result = unwrap(await roomOf(deps, conversationId).addMembers({ by, members: newcomers }));
  await insertMembers(deps.db, row, result.added, deps.now);
  const current = (await findConversation(deps.db, conversationId)) ?? row;
  return detailOf(current, result);
}

/** Leaves (userId is the caller) or, for the creator of a group, removes someone. */
export async function removeMember(deps: MessagingDeps, conversationId: string, by: string, userId: string) {
  await requireConversation(deps, conversationId);
  unwrap(await roomOf(deps, conversationId).removeMember({ by, userId }));
  await deleteMember(deps.db, conversationId, userId);
}

/** A single-use ticket to connect, for a member. */
export async function issueTicket(deps: MessagingDeps, conversationId: string, userId: string) {
  await requireConversation(deps, conversationId);
  const { ticket, expiresIn } = unwrap(await roomOf(deps, conversationId).issueTicket({ userId }));
  return { ticket, expiresIn };
}

export async function messageHistory(
  deps: MessagingDeps,
  conversationId: string,
  userId: string,
  limit: number,
  beforeSeq?: number,
) {
  await requireConversation(deps, conversationId);
  const { messages } = unwrap(
    await roomOf(deps, conversationId).history({ userId, beforeSeq, limit: limit + 1 }),
  );
  const items = messages.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: messages.length > limit && last ? String(last.seq) : null };
}

// ---- helpers ----

async function requireConversation(deps: MessagingDeps, conversationId: string): Promise<ConversationRow> {
  const row = await findConversation(deps.db, conversationId);
  if (!row) throw new AppError("not_found", "no such conversation");
  return row;
}

async function requireView(deps: MessagingDeps, conversationId: string, userId: string): Promise<RoomView> {
  return unwrap(await roomOf(deps, conversationId).view({ userId }));
}

function detailOf(row: ConversationRow, view: RoomView) {
  return {
    ...toConversation(row, view.unread),
    memberCount: view.members.length,
    members: view.members,
    seq: view.seq,
  };
}

/** A room's answer, or its refusal as the matching error. */
function unwrap<R extends { ok: boolean }>(result: R): Exclude<R, Refusal> {
  if (isRefusal(result)) throw new AppError(result.code, result.message);
  return result as Exclude<R, Refusal>;
}

function isRefusal(result: { ok: boolean }): result is Refusal {
  return !result.ok;
}

function invalid(field: string, message: string): AppError {
  const details: FieldIssue[] = [{ path: `body.${field}`, message }];
  return new AppError("validation_failed", "the request is not valid", { details });
}

/**
 * The users behind handles (each once), in one users call; unknown handles are a validation error
 * naming each (at its first position in the request).
 */
async function resolveHandles(deps: MessagingDeps, handles: string[], field: string): Promise<NewMember[]> {
  const unique = [...new Set(handles)];
  const profiles = await deps.users.getProfilesByHandles(unique);
  const byHandle = new Map(profiles.map((profile) => [profile.handle, profile]));
  const details: FieldIssue[] = [];
  const members: NewMember[] = [];
  for (const handle of unique) {
    const profile = byHandle.get(handle);
    if (profile) members.push({ userId: profile.id, handle: profile.handle });
    else details.push({ path: `body.${field}.${handles.indexOf(handle)}`, message: "no such user" });
  }
  if (details.length > 0) throw new AppError("validation_failed", "some handles are unknown", { details });
  return members;
}
