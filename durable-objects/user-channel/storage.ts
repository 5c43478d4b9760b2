import { migrateSqlStorage } from "../../lib/sql-migrations";

/**
 * The UserChannel's own SQLite storage: its owner, single-use tickets (hashed), the pending
 * digest, and whether the presence index needs writing again. Each entry of MIGRATIONS runs once,
 * in order, tracked in `_meta` (never edit a shipped one).
 */
const MIGRATIONS = [
  `CREATE TABLE owner (user_id TEXT PRIMARY KEY);
   CREATE TABLE tickets (hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
   CREATE TABLE digest (id INTEGER PRIMARY KEY CHECK (id = 1), due_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);`,
  // A row while the presence index may be wrong (its last write failed): the alarm writes it again.
  "CREATE TABLE presence_stale (id INTEGER PRIMARY KEY CHECK (id = 1));",
];

type Row = Record<string, SqlStorageValue>;

export class ChannelStorage {
  constructor(private readonly sql: SqlStorage) {
    migrateSqlStorage(sql, MIGRATIONS);
  }

  /** The user this channel belongs to (known once it issued a ticket or scheduled a digest). */
  owner(): string | null {
    const row = this.sql.exec<Row>("SELECT user_id FROM owner LIMIT 1").toArray()[0];
    return row ? String(row.user_id) : null;
  }

  setOwner(userId: string): void {
    this.sql.exec("INSERT OR IGNORE INTO owner (user_id) VALUES (?)", userId);
  }

  saveTicket(hash: string, expiresAt: number, now: number): void {
    this.sql.exec("DELETE FROM tickets WHERE expires_at < ?", now);
    this.sql.exec("INSERT INTO tickets (hash, expires_at) VALUES (?, ?)", hash, expiresAt);
  }

  /** Uses up a ticket: deleted whether or not it has expired; false when it was not valid. */
  takeTicket(hash: string, now: number): boolean {
    const row = this.sql
      .exec<Row>("DELETE FROM tickets WHERE hash = ? RETURNING expires_at", hash)
      .toArray()[0];
    return row !== undefined && Number(row.expires_at) >= now;
  }

  digest(): { dueAt: number; attempts: number } | null {
    const row = this.sql.exec<Row>("SELECT due_at, attempts FROM digest WHERE id = 1").toArray()[0];
    return row ? { dueAt: Number(row.due_at), attempts: Number(row.attempts) } : null;
  }

  /** Schedules the digest at `dueAt` unless one is already pending (a burst makes one digest). */
  scheduleDigest(dueAt: number): number {
    this.sql.exec("INSERT OR IGNORE INTO digest (id, due_at) VALUES (1, ?)", dueAt);
    return this.digest()?.dueAt ?? dueAt;
  }

  retryDigest(dueAt: number): void {
    this.sql.exec("UPDATE digest SET due_at = ?, attempts = attempts + 1 WHERE id = 1", dueAt);
  }

  clearDigest(): void {
    this.sql.exec("DELETE FROM digest");
  }

  presenceStale(): boolean {
    return this.sql.exec("SELECT 1 FROM presence_stale").toArray().length > 0;
  }

  setPresenceStale(stale: boolean): void {
    this.sql.exec(
      stale ? "INSERT OR IGNORE INTO presence_stale (id) VALUES (1)" : "DELETE FROM presence_stale",
    );
  }
}
