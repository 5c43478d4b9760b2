/**
 * The Timeline's own SQLite storage. The schema is small and lives with the object: each entry of
 * MIGRATIONS runs once, in order, tracked in the `_meta` table (never edit a shipped one).
 */
export const MIGRATIONS = [
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
  // The entry count, kept by triggers: a woken object knows it without counting the entries.
  `CREATE TABLE counters (key TEXT PRIMARY KEY, n INTEGER NOT NULL);
   INSERT INTO counters (key, n) SELECT 'entries', count(*) FROM entries;
   CREATE TRIGGER entries_added AFTER INSERT ON entries
     BEGIN UPDATE counters SET n = n + 1 WHERE key = 'entries'; END;
   CREATE TRIGGER entries_removed AFTER DELETE ON entries
     BEGIN UPDATE counters SET n = n - 1 WHERE key = 'entries'; END;`,
];
