import { migrateSqlStorage } from "../../lib/sql-migrations";
import type { Keyset, Snapshot, TimelineEntry } from "./rpc";
import { MIGRATIONS } from "./schema";

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

interface FollowState {
  following: boolean;
  changedAt: number;
}

/**
 * The timeline's SQL. Most calls reach a freshly woken object (workerd and Cloudflare put an idle
 * object to sleep after about 10 s, and a fan-out touches each follower's once), so every query
 * here reads only the rows it needs: the entry count is kept by triggers in `counters`, a follow
 * state is looked up by its key. What was read is remembered for the life of the object and kept up
 * to date by the writes below (the only ones): the entry count, the follow states asked for, and
 * the followed big authors (one question per read).
 */
export class TimelineStorage {
  #entryCount: number | null = null;
  readonly #followees = new Map<string, FollowState | null>();
  #bigAuthors: string[] | null = null;

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
    if (added > 0) {
      if (this.#entryCount !== null) this.#entryCount += added;
      if (this.entryCount() > TIMELINE_LIMITS.maxEntries) this.trimEntries();
    }
    return added;
  }

  /** How many entries there are: remembered, or read from the triggers' counter (never counted). */
  private entryCount(): number {
    this.#entryCount ??= Number(
      this.sql.exec<{ n: number }>("SELECT n FROM counters WHERE key = 'entries'").one().n,
    );
    return this.#entryCount;
  }

  /** Drops the oldest entries past the limit. */
  private trimEntries(): void {
    const removed = this.sql
      .exec(
        `DELETE FROM entries WHERE post_id IN (
           SELECT post_id FROM entries ORDER BY created_at DESC, post_id DESC LIMIT -1 OFFSET ?)
         RETURNING post_id`,
        TIMELINE_LIMITS.maxEntries,
      )
      .toArray().length;
    if (this.#entryCount !== null) this.#entryCount -= removed;
  }

  removeEntries(postIds: string[]): void {
    let removed = 0;
    for (const id of postIds) {
      removed += this.sql
        .exec("DELETE FROM entries WHERE post_id = ? RETURNING post_id", id)
        .toArray().length;
    }
    if (this.#entryCount !== null) this.#entryCount -= removed;
  }

  removeEntriesBy(authorId: string): void {
    const removed = this.sql
      .exec("DELETE FROM entries WHERE author_id = ? RETURNING post_id", authorId)
      .toArray().length;
    if (this.#entryCount !== null) this.#entryCount -= removed;
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
  followee(authorId: string): FollowState | null {
    let state = this.#followees.get(authorId);
    if (state === undefined) {
      const row = this.sql
        .exec<Row>("SELECT following, changed_at FROM followees WHERE author_id = ?", authorId)
        .toArray()[0];
      state = row ? { following: row.following === 1, changedAt: Number(row.changed_at) } : null;
      this.#followees.set(authorId, state);
    }
    return state;
  }

  setFollowing(authorId: string, following: boolean, at: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO followees (author_id, following, changed_at) VALUES (?, ?, ?)",
      authorId,
      following ? 1 : 0,
      at,
    );
    this.#followees.set(authorId, { following, changedAt: at });
    this.#bigAuthors = null;
  }

  rememberBigAuthor(authorId: string): void {
    this.sql.exec("INSERT OR IGNORE INTO big_authors (author_id) VALUES (?)", authorId);
    this.#bigAuthors = null;
  }

  /** The author is no longer big: their posts are fanned out again, not merged at read. */
  forgetBigAuthor(authorId: string): void {
    this.sql.exec("DELETE FROM big_authors WHERE author_id = ?", authorId);
    this.#bigAuthors = null;
  }

  /** Followed authors known to be big. */
  followedBigAuthors(): string[] {
    this.#bigAuthors ??= this.sql
      .exec<Row>(
        // From the big authors (usually none) to their follow states, not the other way round.
        `SELECT b.author_id FROM big_authors b CROSS JOIN followees f ON f.author_id = b.author_id
         WHERE f.following = 1 ORDER BY b.author_id`,
      )
      .toArray()
      .map((row) => String(row.author_id));
    return [...this.#bigAuthors];
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

  clearFlag(key: string): void {
    this.sql.exec("DELETE FROM state WHERE key = ?", key);
  }
}
