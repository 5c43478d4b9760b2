import { migrateSqlStorage } from "../../lib/sql-migrations";
import type { Keyset, Snapshot, TimelineEntry } from "./rpc";

/**
 * The Timeline's own SQLite storage. The schema is small and lives with the object: each entry of
 * MIGRATIONS runs once, in order, tracked in the `_meta` table (never edit a shipped one).
 */
const MIGRATIONS = [
  `CREATE TABLE entries (
     post_id TEXT PRIMARY KEY, author_id TEXT NOT NULL, shared_post_id TEXT, created_at INTEGER NOT NULL
   );
   CREATE INDEX entries_by_time ON entries (created_at DESC, post_id DESC);
   CREATE INDEX entries_by_author ON entries (author_id);
   CREATE TABLE followees (author_id TEXT PRIMARY KEY, following INTEGER NOT NULL, changed_at INTEGER NOT NULL);
   CREATE TABLE big_authors (author_id TEXT PRIMARY KEY);
   CREATE TABLE affinity (author_id TEXT PRIMARY KEY, score REAL NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE processed_events (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
   CREATE INDEX processed_events_by_time ON processed_events (at);
   CREATE TABLE snapshots (
     id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, post_ids TEXT NOT NULL, tail_at INTEGER, tail_id TEXT
   );
   CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

export const TIMELINE_LIMITS = {
  /** Entries kept per timeline; older ones are trimmed (reads past them come from the posts service). */
  maxEntries: 1000,
  /** How long an event id is remembered: longer than a message can stay on the queue (4 days). */
  processedEventTtlMs: 7 * 24 * 3600_000,
  /** How long a ranked snapshot stays valid for paging. */
  snapshotTtlMs: 30 * 60_000,
  /** Affinity halves every 30 days without interaction. */
  affinityHalfLifeMs: 30 * 24 * 3600_000,
  /** Affinity scores below this are not worth sending to ranking. */
  affinityFloor: 0.05,
  /** Authors whose affinity a read sees (the strongest ones). */
  affinityReadLimit: 500,
} as const;

type Row = Record<string, SqlStorageValue>;

function entryOf(row: Row): TimelineEntry {
  return {
    postId: String(row.post_id),
    authorId: String(row.author_id),
    sharedPostId: row.shared_post_id === null ? null : String(row.shared_post_id),
    createdAt: Number(row.created_at),
  };
}

/** An affinity score as it stands at `now`, after its exponential decay. */
export function decayedAffinity(score: number, updatedAt: number, now: number): number {
  const elapsed = Math.max(0, now - updatedAt);
  return score * 0.5 ** (elapsed / TIMELINE_LIMITS.affinityHalfLifeMs);
}

export class TimelineStorage {
  constructor(private readonly sql: SqlStorage) {
    migrateSqlStorage(sql, MIGRATIONS);
  }

  /** Adds entries (a post already there is left as it is); returns how many were new. */
  addEntries(entries: TimelineEntry[]): number {
    let added = 0;
    for (const entry of entries) {
      added += this.sql
        .exec(
          `INSERT OR IGNORE INTO entries (post_id, author_id, shared_post_id, created_at)
           VALUES (?, ?, ?, ?) RETURNING post_id`,
          entry.postId,
          entry.authorId,
          entry.sharedPostId,
          entry.createdAt,
        )
        .toArray().length;
    }
    if (added > 0) this.trimEntries();
    return added;
  }

  /** Drops the oldest entries past the limit; a count first, so the usual case costs one lookup. */
  private trimEntries(): void {
    const count = Number(this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries").one().n);
    if (count <= TIMELINE_LIMITS.maxEntries) return;
    this.sql.exec(
      `DELETE FROM entries WHERE post_id IN (
         SELECT post_id FROM entries ORDER BY created_at DESC, post_id DESC LIMIT -1 OFFSET ?)`,
      TIMELINE_LIMITS.maxEntries,
    );
  }

  removeEntries(postIds: string[]): void {
    for (const id of postIds) this.sql.exec("DELETE FROM entries WHERE post_id = ?", id);
  }

  removeEntriesBy(authorId: string): void {
    this.sql.exec("DELETE FROM entries WHERE author_id = ?", authorId);
  }

  /** Newest first, strictly before `before` when given. */
  entries(limit: number, before: Keyset | null): TimelineEntry[] {
    const rows = before
      ? this.sql.exec<Row>(
          `SELECT * FROM entries WHERE created_at < ? OR (created_at = ? AND post_id < ?)
           ORDER BY created_at DESC, post_id DESC LIMIT ?`,
          before.at,
          before.at,
          before.id,
          limit,
        )
      : this.sql.exec<Row>("SELECT * FROM entries ORDER BY created_at DESC, post_id DESC LIMIT ?", limit);
    return rows.toArray().map(entryOf);
  }

  /** The follow state of an author as last changed: null when no follow event was seen yet. */
  followee(authorId: string): { following: boolean; changedAt: number } | null {
    const row = this.sql
      .exec<Row>("SELECT following, changed_at FROM followees WHERE author_id = ?", authorId)
      .toArray()[0];
    return row ? { following: row.following === 1, changedAt: Number(row.changed_at) } : null;
  }

  setFollowing(authorId: string, following: boolean, at: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO followees (author_id, following, changed_at) VALUES (?, ?, ?)",
      authorId,
      following ? 1 : 0,
      at,
    );
  }

  rememberBigAuthor(authorId: string): void {
    this.sql.exec("INSERT OR IGNORE INTO big_authors (author_id) VALUES (?)", authorId);
  }

  /** Followed authors known to be big. */
  followedBigAuthors(): string[] {
    return this.sql
      .exec<Row>(
        `SELECT f.author_id FROM followees f JOIN big_authors b ON b.author_id = f.author_id
         WHERE f.following = 1 ORDER BY f.author_id`,
      )
      .toArray()
      .map((row) => String(row.author_id));
  }

  /** Records an event id; false when it was recorded already (a redelivery). Old ids are forgotten. */
  markProcessed(eventId: string, now: number): boolean {
    this.sql.exec("DELETE FROM processed_events WHERE at < ?", now - TIMELINE_LIMITS.processedEventTtlMs);
    const inserted = this.sql.exec(
      "INSERT OR IGNORE INTO processed_events (id, at) VALUES (?, ?) RETURNING id",
      eventId,
      now,
    );
    return inserted.toArray().length > 0;
  }

  addAffinity(authorId: string, weight: number, now: number): void {
    const row = this.sql
      .exec<Row>("SELECT score, updated_at FROM affinity WHERE author_id = ?", authorId)
      .toArray()[0];
    const current = row ? decayedAffinity(Number(row.score), Number(row.updated_at), now) : 0;
    this.sql.exec(
      "INSERT OR REPLACE INTO affinity (author_id, score, updated_at) VALUES (?, ?, ?)",
      authorId,
      current + weight,
      now,
    );
  }

  /** The strongest affinities as they stand now. */
  affinity(now: number): Record<string, number> {
    const rows = this.sql
      .exec<Row>("SELECT * FROM affinity ORDER BY score DESC LIMIT ?", TIMELINE_LIMITS.affinityReadLimit)
      .toArray();
    const scores: Record<string, number> = {};
    for (const row of rows) {
      const score = decayedAffinity(Number(row.score), Number(row.updated_at), now);
      if (score >= TIMELINE_LIMITS.affinityFloor) scores[String(row.author_id)] = score;
    }
    return scores;
  }

  /** Keeps a ranked snapshot; expired ones are dropped on the way. */
  saveSnapshot(id: string, snapshot: Snapshot, now: number): void {
    this.sql.exec("DELETE FROM snapshots WHERE created_at < ?", now - TIMELINE_LIMITS.snapshotTtlMs);
    this.sql.exec(
      "INSERT INTO snapshots (id, created_at, post_ids, tail_at, tail_id) VALUES (?, ?, ?, ?, ?)",
      id,
      now,
      JSON.stringify(snapshot.postIds),
      snapshot.tail?.at ?? null,
      snapshot.tail?.id ?? null,
    );
  }

  snapshot(id: string, now: number): Snapshot | null {
    const row = this.sql.exec<Row>("SELECT * FROM snapshots WHERE id = ?", id).toArray()[0];
    if (!row || Number(row.created_at) < now - TIMELINE_LIMITS.snapshotTtlMs) return null;
    const tail = row.tail_id === null ? null : { at: Number(row.tail_at), id: String(row.tail_id) };
    return { postIds: JSON.parse(String(row.post_ids)) as string[], tail };
  }

  flag(key: string): boolean {
    return this.sql.exec("SELECT 1 FROM state WHERE key = ?", key).toArray().length > 0;
  }

  setFlag(key: string): void {
    this.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES (?, '1')", key);
  }
}
