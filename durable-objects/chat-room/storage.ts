import { migrateSqlStorage } from "../../lib/sql-migrations";
import type { ChatMessage, ConversationView, DurableFrame, Member } from "./protocol";

/**
 * The ChatRoom's own SQLite storage. Each entry of MIGRATIONS runs once, in order, tracked in the
 * `_meta` table (never edit a shipped one). A message row carries its broadcast seq, so storing a
 * message is one write; the other durable frames (edits, deletions, reads, membership) go to `log`
 * for `resume` to replay.
 */
const MIGRATIONS = [
  `CREATE TABLE conversation (
     id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT, creator_id TEXT NOT NULL, created_at INTEGER NOT NULL
   );
   CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE members (
     user_id TEXT PRIMARY KEY, handle TEXT NOT NULL, joined_at INTEGER NOT NULL, read_seq INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sender_id TEXT NOT NULL, nonce TEXT NOT NULL,
     text TEXT NOT NULL, created_at INTEGER NOT NULL, edited_at INTEGER, deleted INTEGER NOT NULL DEFAULT 0
   );
   CREATE UNIQUE INDEX messages_sender_nonce ON messages (sender_id, nonce);
   CREATE TABLE log (seq INTEGER PRIMARY KEY, frame TEXT NOT NULL);`,
];

/** Unread counts stop at this (a client shows "999+"): counting is a scan from the read position. */
export const UNREAD_CAP = 999;

export interface ConversationRecord extends ConversationView {
  createdAt: number;
}

export interface StoredMessage extends ChatMessage {
  nonce: string;
}

type Row = Record<string, SqlStorageValue>;

export class ChatStorage {
  constructor(private readonly sql: SqlStorage) {
    migrateSqlStorage(sql, MIGRATIONS);
  }

  conversation(): ConversationRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM conversation LIMIT 1").toArray()[0];
    if (!row) return null;
    return {
      id: String(row.id),
      kind: row.kind === "direct" ? "direct" : "group",
      title: row.title === null ? null : String(row.title),
      creatorId: String(row.creator_id),
      createdAt: Number(row.created_at),
    };
  }

  /** Records the conversation once; later calls change nothing (creation may be retried). */
  createConversation(record: ConversationRecord): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO conversation (id, kind, title, creator_id, created_at) VALUES (?, ?, ?, ?, ?)",
      record.id,
      record.kind,
      record.title,
      record.creatorId,
      record.createdAt,
    );
  }

  members(): Member[] {
    return this.sql
      .exec<Row>("SELECT user_id, handle, read_seq FROM members ORDER BY joined_at, user_id")
      .toArray()
      .map((row) => ({
        userId: String(row.user_id),
        handle: String(row.handle),
        readSeq: Number(row.read_seq),
      }));
  }

  /** Adds members (those already in are left as they are); returns the ids that were new. */
  addMembers(members: { userId: string; handle: string }[], now: number, readSeq: number): string[] {
    const added: string[] = [];
    for (const member of members) {
      const inserted = this.sql
        .exec(
          "INSERT OR IGNORE INTO members (user_id, handle, joined_at, read_seq) VALUES (?, ?, ?, ?) RETURNING user_id",
          member.userId,
          member.handle,
          now,
          readSeq,
        )
        .toArray();
      if (inserted.length > 0) added.push(member.userId);
    }
    return added;
  }

  /** Removes a member and their unused tickets; false when they were not a member. */
  removeMember(userId: string): boolean {
    this.sql.exec("DELETE FROM tickets WHERE user_id = ?", userId);
    return (
      this.sql.exec("DELETE FROM members WHERE user_id = ? RETURNING user_id", userId).toArray().length > 0
    );
  }

  setReadSeq(userId: string, upTo: number): void {
    this.sql.exec("UPDATE members SET read_seq = max(read_seq, ?) WHERE user_id = ?", upTo, userId);
  }

  /** The last seq the room gave out (messages and logged frames share one counter). */
  lastSeq(): number {
    const row = this.sql
      .exec<Row>(
        "SELECT max(coalesce((SELECT max(seq) FROM messages), 0), coalesce((SELECT max(seq) FROM log), 0)) AS seq",
      )
      .one();
    return Number(row.seq);
  }

  saveTicket(hash: string, userId: string, expiresAt: number): void {
    this.sql.exec("DELETE FROM tickets WHERE expires_at < ?", Date.now());
    this.sql.exec(
      "INSERT INTO tickets (hash, user_id, expires_at) VALUES (?, ?, ?)",
      hash,
      userId,
      expiresAt,
    );
  }

  /** Uses up a ticket: it is deleted whether or not it has expired; null when it was not valid. */
  takeTicket(hash: string, now: number): string | null {
    const row = this.sql
      .exec<Row>("DELETE FROM tickets WHERE hash = ? RETURNING user_id, expires_at", hash)
      .toArray()[0];
    if (!row || Number(row.expires_at) < now) return null;
    return String(row.user_id);
  }

  /**
   * Stores a message unless this sender already sent this nonce (a client retrying a send it saw
   * no ack for): then the stored one is returned and `created` is false.
   */
  addMessage(message: StoredMessage): { message: StoredMessage; created: boolean } {
    const inserted = this.sql.exec(
      `INSERT INTO messages (seq, id, sender_id, nonce, text, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sender_id, nonce) DO NOTHING RETURNING seq`,
      message.seq,
      message.id,
      message.senderId,
      message.nonce,
      message.text,
      message.createdAt,
    );
    if (inserted.toArray().length > 0) return { message, created: true };
    const existing = this.sql
      .exec<Row>("SELECT * FROM messages WHERE sender_id = ? AND nonce = ?", message.senderId, message.nonce)
      .toArray()[0];
    if (!existing) throw new Error("a message insert wrote nothing and found no duplicate");
    return { message: messageOf(existing), created: false };
  }

  message(id: string): StoredMessage | null {
    const row = this.sql.exec<Row>("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
    return row ? messageOf(row) : null;
  }

  editMessage(id: string, text: string, at: number): void {
    this.sql.exec("UPDATE messages SET text = ?, edited_at = ? WHERE id = ?", text, at, id);
  }

  /** A deleted message keeps its row (its seq and place in history) but loses its text. */
  deleteMessage(id: string): void {
    this.sql.exec("UPDATE messages SET text = '', deleted = 1 WHERE id = ?", id);
  }

  /** Keeps a durable frame other than a message, for resume. */
  logFrame(frame: DurableFrame): void {
    this.sql.exec("INSERT INTO log (seq, frame) VALUES (?, ?)", frame.seq, JSON.stringify(frame));
  }

  /** Durable frames after a seq, in order (messages as they are now), at most `limit`. */
  framesAfter(afterSeq: number, limit: number): DurableFrame[] {
    const messages = this.sql
      .exec<Row>("SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit)
      .toArray()
      .map((row): DurableFrame => {
        const message = messageOf(row);
        return { type: "message", message: publicMessage(message), seq: message.seq };
      });
    const logged = this.sql
      .exec<Row>("SELECT frame FROM log WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit)
      .toArray()
      .map((row) => JSON.parse(String(row.frame)) as DurableFrame);
    return [...messages, ...logged].sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  /** Messages (not deleted) with afterSeq < seq <= upToSeq, oldest first, at most `limit`. */
  messagesBetween(afterSeq: number, upToSeq: number, limit = 1000): StoredMessage[] {
    return this.sql
      .exec<Row>(
        "SELECT * FROM messages WHERE seq > ? AND seq <= ? AND deleted = 0 ORDER BY seq LIMIT ?",
        afterSeq,
        upToSeq,
        limit,
      )
      .toArray()
      .map(messageOf);
  }

  /** History, newest first, before a seq. */
  history(limit: number, beforeSeq?: number): ChatMessage[] {
    const rows =
      beforeSeq === undefined
        ? this.sql.exec<Row>("SELECT * FROM messages ORDER BY seq DESC LIMIT ?", limit)
        : this.sql.exec<Row>(
            "SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?",
            beforeSeq,
            limit,
          );
    return rows.toArray().map((row) => publicMessage(messageOf(row)));
  }

  lastMessage(): ChatMessage | null {
    const row = this.sql
      .exec<Row>("SELECT * FROM messages WHERE deleted = 0 ORDER BY seq DESC LIMIT 1")
      .toArray()[0];
    return row ? publicMessage(messageOf(row)) : null;
  }

  /** One member's unread messages (others', not deleted, after readSeq), capped. */
  unreadFor(userId: string, readSeq: number): number {
    const row = this.sql
      .exec<Row>(
        `SELECT count(*) AS unread FROM (
           SELECT 1 FROM messages WHERE seq > ? AND sender_id != ? AND deleted = 0 LIMIT ?
         )`,
        readSeq,
        userId,
        UNREAD_CAP,
      )
      .one();
    return Number(row.unread);
  }

  /** Each member's unread messages (others', not deleted, after their read position), capped. */
  unreadCounts(): { userId: string; readSeq: number; unread: number }[] {
    return this.sql
      .exec<Row>(
        `SELECT m.user_id, m.read_seq, (
           SELECT count(*) FROM (
             SELECT 1 FROM messages g
             WHERE g.seq > m.read_seq AND g.sender_id != m.user_id AND g.deleted = 0 LIMIT ?
           )
         ) AS unread
         FROM members m`,
        UNREAD_CAP,
      )
      .toArray()
      .map((row) => ({
        userId: String(row.user_id),
        readSeq: Number(row.read_seq),
        unread: Number(row.unread),
      }));
  }

  /** The seq the conversations index was last brought up to. */
  syncedSeq(): number {
    return Number(
      this.sql.exec<Row>("SELECT value FROM state WHERE key = 'synced_seq'").toArray()[0]?.value ?? 0,
    );
  }

  saveSyncedSeq(seq: number): void {
    this.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES ('synced_seq', ?)", seq);
  }
}

function messageOf(row: Row): StoredMessage {
  const message: StoredMessage = {
    id: String(row.id),
    senderId: String(row.sender_id),
    text: String(row.text),
    createdAt: Number(row.created_at),
    seq: Number(row.seq),
    nonce: String(row.nonce),
  };
  if (row.edited_at !== null) message.editedAt = Number(row.edited_at);
  if (row.deleted === 1) message.deleted = true;
  return message;
}

/** What other members see of a message (the sender's nonce stays with the sender). */
export function publicMessage(message: StoredMessage): ChatMessage {
  const { nonce: _nonce, ...rest } = message;
  return rest;
}
