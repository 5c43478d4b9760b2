import type { TicketHolder } from "../../lib/realtime/tickets";
import * as tickets from "../../lib/realtime/tickets";
import { migrateSqlStorage } from "../../lib/sql-migrations";
import type { CallView, EndReason, Publication } from "./protocol";

/**
 * The CallRoom's own SQLite storage. Each entry of MIGRATIONS runs once, in order, tracked in the
 * `_meta` table (never edit a shipped one).
 */
const MIGRATIONS = [
  `CREATE TABLE call (
     id TEXT PRIMARY KEY, title TEXT, creator_id TEXT NOT NULL, host_id TEXT NOT NULL,
     mode TEXT NOT NULL, max_members INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'live',
     created_at INTEGER NOT NULL, started_at INTEGER, empty_since INTEGER,
     peak_members INTEGER NOT NULL DEFAULT 0, ended_at INTEGER, end_reason TEXT
   );
   CREATE TABLE invited (user_id TEXT PRIMARY KEY);
   CREATE TABLE members (user_id TEXT PRIMARY KEY, first_joined_at INTEGER NOT NULL);
   CREATE TABLE kicked (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
   CREATE TABLE tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, handle TEXT NOT NULL, expires_at INTEGER NOT NULL);
   CREATE TABLE sfu_sessions (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL);
   CREATE TABLE sfu_tracks (session_id TEXT NOT NULL, mid TEXT NOT NULL, track_name TEXT NOT NULL, PRIMARY KEY (session_id, mid));`,
];

export interface CallRecord extends CallView {
  creatorId: string;
  status: "live" | "ended";
  createdAt: number;
  startedAt: number | null;
  /** Since when nobody has been in the call (the creation time until the first join). */
  emptySince: number | null;
  peakMembers: number;
  endedAt: number | null;
  endReason: EndReason | null;
}

type Row = Record<string, SqlStorageValue>;
const numberOrNull = (value: SqlStorageValue | undefined) => (value == null ? null : Number(value));

export class CallStorage {
  /** The call row, read once per wake (most frames need it) and dropped on every change. */
  private cachedCall: CallRecord | null | undefined;

  constructor(private readonly sql: SqlStorage) {
    migrateSqlStorage(sql, MIGRATIONS);
  }

  call(): CallRecord | null {
    if (this.cachedCall === undefined) this.cachedCall = this.readCall();
    return this.cachedCall;
  }

  private readCall(): CallRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM call LIMIT 1").toArray()[0];
    if (!row) return null;
    return {
      id: String(row.id),
      title: row.title === null ? null : String(row.title),
      creatorId: String(row.creator_id),
      hostId: String(row.host_id),
      mode: row.mode === "sfu" ? "sfu" : "mesh",
      maxMembers: Number(row.max_members),
      status: row.status === "ended" ? "ended" : "live",
      createdAt: Number(row.created_at),
      startedAt: numberOrNull(row.started_at),
      emptySince: numberOrNull(row.empty_since),
      peakMembers: Number(row.peak_members),
      endedAt: numberOrNull(row.ended_at),
      endReason: row.end_reason === "host" || row.end_reason === "empty" ? row.end_reason : null,
    };
  }

  /** Creates the call once; a repeated call (a retried RPC) changes nothing. */
  createCall(call: Pick<CallRecord, "id" | "title" | "creatorId" | "mode" | "maxMembers" | "createdAt">) {
    this.cachedCall = undefined;
    this.sql.exec(
      `INSERT OR IGNORE INTO call (id, title, creator_id, host_id, mode, max_members, created_at, empty_since)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      call.id,
      call.title,
      call.creatorId,
      call.creatorId,
      call.mode,
      call.maxMembers,
      call.createdAt,
      call.createdAt,
    );
  }

  updateCall(
    changes: Partial<
      Pick<
        CallRecord,
        "hostId" | "status" | "startedAt" | "emptySince" | "peakMembers" | "endedAt" | "endReason"
      >
    >,
  ): void {
    const columns: Record<string, SqlStorageValue> = {};
    if (changes.hostId !== undefined) columns.host_id = changes.hostId;
    if (changes.status !== undefined) columns.status = changes.status;
    if (changes.startedAt !== undefined) columns.started_at = changes.startedAt;
    if (changes.emptySince !== undefined) columns.empty_since = changes.emptySince;
    if (changes.peakMembers !== undefined) columns.peak_members = changes.peakMembers;
    if (changes.endedAt !== undefined) columns.ended_at = changes.endedAt;
    if (changes.endReason !== undefined) columns.end_reason = changes.endReason;
    const names = Object.keys(columns);
    if (names.length === 0) return;
    this.cachedCall = undefined;
    this.sql.exec(
      `UPDATE call SET ${names.map((name) => `${name} = ?`).join(", ")}`,
      ...Object.values(columns),
    );
  }

  invite(userIds: string[]): void {
    for (const id of userIds) this.sql.exec("INSERT OR IGNORE INTO invited (user_id) VALUES (?)", id);
  }

  isInvited(userId: string): boolean {
    return this.sql.exec("SELECT 1 FROM invited WHERE user_id = ?", userId).toArray().length > 0;
  }

  /** Whether this user has been in the call before (they may come back without the invite code). */
  hasJoined(userId: string): boolean {
    return this.sql.exec("SELECT 1 FROM members WHERE user_id = ?", userId).toArray().length > 0;
  }

  addMember(userId: string, now: number): void {
    this.sql.exec("INSERT OR IGNORE INTO members (user_id, first_joined_at) VALUES (?, ?)", userId, now);
  }

  isKicked(userId: string): boolean {
    return this.sql.exec("SELECT 1 FROM kicked WHERE user_id = ?", userId).toArray().length > 0;
  }

  kick(userId: string, now: number): void {
    this.sql.exec("INSERT OR REPLACE INTO kicked (user_id, at) VALUES (?, ?)", userId, now);
    this.sql.exec("DELETE FROM tickets WHERE user_id = ?", userId);
  }

  saveTicket(hash: string, userId: string, handle: string, expiresAt: number): void {
    tickets.saveTicket(this.sql, hash, { userId, handle }, expiresAt);
  }

  /** Uses up a ticket: it is deleted whether or not it has expired; null when it was not valid. */
  takeTicket(hash: string, now: number): TicketHolder | null {
    return tickets.takeTicket(this.sql, hash, now);
  }

  clearTickets(): void {
    this.sql.exec("DELETE FROM tickets");
  }

  // ---- SFU bookkeeping ----

  /** Who owns an SFU session, or null when this call does not know it. */
  sfuSessionOwner(sessionId: string): string | null {
    const row = this.sql
      .exec<Row>("SELECT user_id FROM sfu_sessions WHERE session_id = ?", sessionId)
      .toArray()[0];
    return row ? String(row.user_id) : null;
  }

  /** Records a member's SFU session; a member has one at a time, so an older one is forgotten. */
  saveSfuSession(sessionId: string, userId: string): void {
    this.dropSfuSessionsOf(userId);
    this.sql.exec(
      "INSERT OR REPLACE INTO sfu_sessions (session_id, user_id) VALUES (?, ?)",
      sessionId,
      userId,
    );
  }

  dropSfuSessionsOf(userId: string): void {
    this.sql.exec(
      "DELETE FROM sfu_tracks WHERE session_id IN (SELECT session_id FROM sfu_sessions WHERE user_id = ?)",
      userId,
    );
    this.sql.exec("DELETE FROM sfu_sessions WHERE user_id = ?", userId);
  }

  publishTracks(sessionId: string, tracks: Publication["tracks"]): void {
    for (const track of tracks) {
      this.sql.exec(
        "INSERT OR REPLACE INTO sfu_tracks (session_id, mid, track_name) VALUES (?, ?, ?)",
        sessionId,
        track.mid,
        track.trackName,
      );
    }
  }

  /** Forgets published tracks by mid; true when any was published. */
  unpublishTracks(sessionId: string, mids: string[]): boolean {
    let removed = false;
    for (const mid of mids) {
      const rows = this.sql
        .exec("DELETE FROM sfu_tracks WHERE session_id = ? AND mid = ? RETURNING mid", sessionId, mid)
        .toArray();
      removed ||= rows.length > 0;
    }
    return removed;
  }

  /** Whether a track of this name is published on this session. */
  isPublished(sessionId: string, trackName: string): boolean {
    return (
      this.sql
        .exec("SELECT 1 FROM sfu_tracks WHERE session_id = ? AND track_name = ?", sessionId, trackName)
        .toArray().length > 0
    );
  }

  /** Every member's SFU session and published tracks, by user id. */
  publications(): Map<string, Publication> {
    const byUser = new Map<string, Publication>();
    const sessions = this.sql.exec<Row>("SELECT session_id, user_id FROM sfu_sessions").toArray();
    for (const row of sessions)
      byUser.set(String(row.user_id), { sessionId: String(row.session_id), tracks: [] });
    const tracks = this.sql
      .exec<Row>(
        `SELECT t.mid, t.track_name, s.user_id FROM sfu_tracks t
         JOIN sfu_sessions s ON s.session_id = t.session_id ORDER BY t.rowid`,
      )
      .toArray();
    for (const row of tracks) {
      byUser
        .get(String(row.user_id))
        ?.tracks.push({ trackName: String(row.track_name), mid: String(row.mid) });
    }
    return byUser;
  }
}

/** What clients see of the call record. */
export function viewOf(call: CallRecord): CallView {
  const { id, title, hostId, mode, maxMembers } = call;
  return { id, title, hostId, mode, maxMembers };
}
