import type { TicketHolder } from "../../lib/realtime/tickets";
import * as tickets from "../../lib/realtime/tickets";
import { migrateSqlStorage } from "../../lib/sql-migrations";
import type { PlaybackState } from "./playback";
import type { ChatMessage, QueueItem, Role, SessionView } from "./protocol";

/**
 * The WatchSession's own SQLite storage. The schema is small and lives with the object: each
 * entry of MIGRATIONS runs once, in order, tracked in the `_meta` table (never edit a shipped one).
 */
const MIGRATIONS = [
  `CREATE TABLE session (
     id TEXT PRIMARY KEY, title TEXT NOT NULL, creator_id TEXT NOT NULL, host_id TEXT NOT NULL,
     media_url TEXT NOT NULL, visibility TEXT NOT NULL, locked INTEGER NOT NULL DEFAULT 0,
     everyone_controls INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'live', created_at INTEGER NOT NULL
   );
   CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE cohosts (user_id TEXT PRIMARY KEY);
   CREATE TABLE members (user_id TEXT PRIMARY KEY, handle TEXT NOT NULL, joined_at INTEGER NOT NULL, synced INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE kicked (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
   CREATE TABLE tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, handle TEXT NOT NULL, expires_at INTEGER NOT NULL);
   CREATE TABLE messages (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, handle TEXT NOT NULL, text TEXT NOT NULL, nonce TEXT, at INTEGER NOT NULL);
   CREATE TABLE queue (id TEXT PRIMARY KEY, media_url TEXT NOT NULL, title TEXT, added_by TEXT NOT NULL, position REAL NOT NULL);`,
  // A chat message records its broadcast seq: one write per message instead of two.
  "ALTER TABLE messages ADD COLUMN seq INTEGER",
  // A chat message resent with the same nonce (a client retrying) is found, not stored again.
  "CREATE INDEX messages_by_sender_nonce ON messages (user_id, nonce) WHERE nonce IS NOT NULL",
  // History is in seq order, not id order: two messages of one millisecond have ids in random
  // order. Messages from before seq was stored get negative seqs in the order they were stored.
  `UPDATE messages SET seq = rowid - (SELECT MAX(rowid) FROM messages) - 1 WHERE seq IS NULL;
   CREATE INDEX messages_by_seq ON messages (seq);`,
];

export interface SessionRecord extends SessionView {
  creatorId: string;
  status: "live" | "ended";
  createdAt: number;
}

type Row = Record<string, SqlStorageValue>;

export class WatchStorage {
  /** The session row, read once per wake (every frame needs it) and dropped on every change. */
  private cachedSession: SessionRecord | null | undefined;

  constructor(private readonly sql: SqlStorage) {
    migrateSqlStorage(sql, MIGRATIONS);
  }

  session(): SessionRecord | null {
    if (this.cachedSession === undefined) this.cachedSession = this.readSession();
    return this.cachedSession;
  }

  private readSession(): SessionRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM session LIMIT 1").toArray()[0];
    if (!row) return null;
    return {
      id: String(row.id),
      title: String(row.title),
      creatorId: String(row.creator_id),
      hostId: String(row.host_id),
      mediaUrl: String(row.media_url),
      visibility: row.visibility === "public" ? "public" : "private",
      locked: row.locked === 1,
      everyoneControls: row.everyone_controls === 1,
      status: row.status === "ended" ? "ended" : "live",
      createdAt: Number(row.created_at),
    };
  }

  createSession(session: Omit<SessionRecord, "locked" | "everyoneControls" | "status">): void {
    this.cachedSession = undefined;
    this.sql.exec(
      `INSERT OR IGNORE INTO session (id, title, creator_id, host_id, media_url, visibility, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      session.id,
      session.title,
      session.creatorId,
      session.hostId,
      session.mediaUrl,
      session.visibility,
      session.createdAt,
    );
  }

  updateSession(
    changes: Partial<Pick<SessionRecord, "hostId" | "mediaUrl" | "locked" | "everyoneControls" | "status">>,
  ) {
    const columns: Record<string, SqlStorageValue> = {};
    if (changes.hostId !== undefined) columns.host_id = changes.hostId;
    if (changes.mediaUrl !== undefined) columns.media_url = changes.mediaUrl;
    if (changes.locked !== undefined) columns.locked = changes.locked ? 1 : 0;
    if (changes.everyoneControls !== undefined) columns.everyone_controls = changes.everyoneControls ? 1 : 0;
    if (changes.status !== undefined) columns.status = changes.status;
    const names = Object.keys(columns);
    if (names.length === 0) return;
    this.cachedSession = undefined;
    this.sql.exec(
      `UPDATE session SET ${names.map((name) => `${name} = ?`).join(", ")}`,
      ...Object.values(columns),
    );
  }

  playback(): PlaybackState | null {
    const row = this.sql.exec<Row>("SELECT value FROM state WHERE key = 'playback'").toArray()[0];
    return row ? (JSON.parse(String(row.value)) as PlaybackState) : null;
  }

  savePlayback(state: PlaybackState): void {
    this.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES ('playback', ?)", JSON.stringify(state));
  }

  /**
   * The last broadcast sequence number, never repeated after eviction: chat messages store their
   * own seq in the same insert (the hot path writes once), other frames write it to `state`.
   */
  lastSeq(): number {
    const stored = this.sql.exec<Row>("SELECT value FROM state WHERE key = 'seq'").toArray()[0];
    // One lookup at the end of the seq index on each wake.
    const chat = this.sql.exec<Row>("SELECT seq FROM messages ORDER BY seq DESC LIMIT 1").toArray()[0];
    return Math.max(stored ? Number(stored.value) : 0, chat?.seq == null ? 0 : Number(chat.seq));
  }

  saveSeq(seq: number): void {
    this.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES ('seq', ?)", String(seq));
  }

  cohosts(): Set<string> {
    return new Set(
      this.sql
        .exec<Row>("SELECT user_id FROM cohosts")
        .toArray()
        .map((row) => String(row.user_id)),
    );
  }

  setRole(userId: string, role: Exclude<Role, "host">): void {
    if (role === "cohost") this.sql.exec("INSERT OR IGNORE INTO cohosts (user_id) VALUES (?)", userId);
    else this.sql.exec("DELETE FROM cohosts WHERE user_id = ?", userId);
  }

  isMember(userId: string): boolean {
    return this.sql.exec("SELECT 1 FROM members WHERE user_id = ?", userId).toArray().length > 0;
  }

  /** Records a participant; true the first time this user joins. */
  addMember(userId: string, handle: string, now: number): boolean {
    return (
      this.sql
        .exec(
          "INSERT OR IGNORE INTO members (user_id, handle, joined_at) VALUES (?, ?, ?) RETURNING user_id",
          userId,
          handle,
          now,
        )
        .toArray().length > 0
    );
  }

  /** Members the sessions index has not heard of yet. */
  unsyncedMembers(): { userId: string; joinedAt: number }[] {
    return this.sql
      .exec<Row>("SELECT user_id, joined_at FROM members WHERE synced = 0 LIMIT 500")
      .toArray()
      .map((row) => ({ userId: String(row.user_id), joinedAt: Number(row.joined_at) }));
  }

  markMembersSynced(userIds: string[]): void {
    for (const id of userIds) this.sql.exec("UPDATE members SET synced = 1 WHERE user_id = ?", id);
  }

  isKicked(userId: string): boolean {
    return this.sql.exec("SELECT 1 FROM kicked WHERE user_id = ?", userId).toArray().length > 0;
  }

  kick(userId: string, now: number): void {
    this.sql.exec("INSERT OR REPLACE INTO kicked (user_id, at) VALUES (?, ?)", userId, now);
    this.sql.exec("DELETE FROM cohosts WHERE user_id = ?", userId);
    this.sql.exec("DELETE FROM tickets WHERE user_id = ?", userId);
  }

  saveTicket(hash: string, userId: string, handle: string, expiresAt: number): void {
    tickets.saveTicket(this.sql, hash, { userId, handle }, expiresAt);
  }

  /** Uses up a ticket: it is deleted whether or not it has expired; null when it was not valid. */
  takeTicket(hash: string, now: number): TicketHolder | null {
    return tickets.takeTicket(this.sql, hash, now);
  }

  addMessage(message: ChatMessage, seq: number): void {
    this.sql.exec(
      "INSERT INTO messages (id, user_id, handle, text, nonce, at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
      message.id,
      message.userId,
      message.handle,
      message.text,
      message.nonce ?? null,
      message.at,
      seq,
    );
  }

  /** The message this user already sent with this nonce, with its seq; null when there is none. */
  messageByNonce(userId: string, nonce: string): { message: ChatMessage; seq: number } | null {
    const [row] = this.sql
      .exec<Row>("SELECT * FROM messages WHERE user_id = ? AND nonce = ? LIMIT 1", userId, nonce)
      .toArray();
    return row ? { message: messageOf(row), seq: Number(row.seq ?? 0) } : null;
  }

  /**
   * Chat history, newest first (in the order the room sent it, by seq), before a message id. An id
   * that is not one of this room's messages (well formed, say a time to go back to) stands for the
   * place it would sort at: before the first message whose id is not below it.
   */
  messages(limit: number, before?: string): ChatMessage[] {
    const rows = before
      ? this.sql.exec<Row>(
          `SELECT * FROM messages WHERE seq < COALESCE(
             (SELECT seq FROM messages WHERE id = ?),
             (SELECT MIN(seq) FROM messages WHERE id >= ?),
             (SELECT MAX(seq) + 1 FROM messages)
           ) ORDER BY seq DESC LIMIT ?`,
          before,
          before,
          limit,
        )
      : this.sql.exec<Row>("SELECT * FROM messages ORDER BY seq DESC LIMIT ?", limit);
    return rows.toArray().map(messageOf);
  }

  queue(): QueueItem[] {
    return this.sql
      .exec<Row>("SELECT * FROM queue ORDER BY position")
      .toArray()
      .map((row) => ({
        id: String(row.id),
        mediaUrl: String(row.media_url),
        title: row.title === null ? null : String(row.title),
        addedBy: String(row.added_by),
      }));
  }

  /** Rewrites the playlist's order (positions 0..n-1). */
  saveQueue(items: QueueItem[]): void {
    this.sql.exec("DELETE FROM queue");
    items.forEach((item, index) => {
      this.sql.exec(
        "INSERT INTO queue (id, media_url, title, added_by, position) VALUES (?, ?, ?, ?, ?)",
        item.id,
        item.mediaUrl,
        item.title,
        item.addedBy,
        index,
      );
    });
  }
}

/** What clients see of the session record. */
export function viewOf(session: SessionRecord): SessionView {
  const { id, title, hostId, mediaUrl, visibility, locked, everyoneControls } = session;
  return { id, title, hostId, mediaUrl, visibility, locked, everyoneControls };
}

function messageOf(row: Row): ChatMessage {
  const message: ChatMessage = {
    id: String(row.id),
    userId: String(row.user_id),
    handle: String(row.handle),
    text: String(row.text),
    at: Number(row.at),
  };
  if (row.nonce !== null) message.nonce = String(row.nonce);
  return message;
}
