import { RoomError } from "../../lib/realtime/socket-room";
import type { Member } from "./protocol";
import type { Refusal, RoomView } from "./rpc";
import type { ChatStorage, ConversationRecord, StoredMessage } from "./storage";

/**
 * What a ChatRoom knows of its conversation: the record, the members with their read positions,
 * and the room's last seq. Each is read from SQLite once per wake and kept while the object stays
 * in memory; whoever changes one in storage says so here, so the next read goes to SQLite again.
 */
export class ConversationState {
  private seq: number | null = null;
  private cachedConversation: ConversationRecord | null | undefined;
  private cachedMembers: Map<string, Member> | null = null;

  constructor(private readonly store: ChatStorage) {}

  conversation(): ConversationRecord | null {
    if (this.cachedConversation === undefined) this.cachedConversation = this.store.conversation();
    return this.cachedConversation;
  }

  requireConversation(): ConversationRecord {
    const conversation = this.conversation();
    if (!conversation) throw new RoomError("not_found", "no such conversation");
    return conversation;
  }

  /** The conversation row was written: read it again next time. */
  conversationChanged(): void {
    this.cachedConversation = undefined;
  }

  /** The members by user id (a live map: a member's readSeq may be updated in place). */
  members(): Map<string, Member> {
    if (!this.cachedMembers) this.cachedMembers = new Map(this.store.members().map((m) => [m.userId, m]));
    return this.cachedMembers;
  }

  /** Members were added or removed: read them again next time. */
  membersChanged(): void {
    this.cachedMembers = null;
  }

  memberRefusal(userId: string): Refusal | null {
    if (!this.conversation()) return refused("not_found", "no such conversation");
    if (!this.members().has(userId)) return refused("forbidden", "you are not a member of this conversation");
    return null;
  }

  currentSeq(): number {
    if (this.seq === null) this.seq = this.store.lastSeq();
    return this.seq;
  }

  /** The next seq, now taken by the frame being logged. */
  takeSeq(): number {
    this.seq = this.currentSeq() + 1;
    return this.seq;
  }

  /** A message was stored with this seq (the one after currentSeq). */
  messageStored(seq: number): void {
    this.seq = seq;
  }

  roomView(userId: string): RoomView {
    const readSeq = this.members().get(userId)?.readSeq ?? this.currentSeq();
    return {
      conversation: viewOf(this.requireConversation()),
      members: [...this.members().values()],
      seq: this.currentSeq(),
      unread: this.store.unreadFor(userId, readSeq),
    };
  }

  /** A live message of this user's, for the frame that changes it; anything else is refused. */
  ownMessage(id: string, userId: string, frame: "edit" | "delete"): StoredMessage {
    const message = this.store.message(id);
    if (!message || message.deleted) throw new RoomError("not_found", "no such message", frame);
    if (message.senderId !== userId)
      throw new RoomError("forbidden", "only its sender can change a message", frame);
    return message;
  }

  /** Members other than the sender with no socket in this room now. */
  awayMembers(senderId: string, connected: Set<string>): string[] {
    const away: string[] = [];
    for (const userId of this.members().keys()) {
      if (userId !== senderId && !connected.has(userId)) away.push(userId);
    }
    return away;
  }

  /** Who should hear of a message from outside the room: away now, and not read it. */
  unreadAwayFrom(message: StoredMessage, connected: Set<string>): string[] {
    return [...this.members().values()]
      .filter((m) => m.userId !== message.senderId && !connected.has(m.userId) && m.readSeq < message.seq)
      .map((m) => m.userId);
  }
}

export function refused(code: Refusal["code"], message: string): Refusal {
  return { ok: false, code, message };
}

/** The conversation as clients see it. */
export function viewOf(conversation: ConversationRecord) {
  const { id, kind, title, creatorId } = conversation;
  return { id, kind, title, creatorId };
}
