/**
 * Brings a Durable Object's own SQLite storage up to date: each entry of `migrations` runs once, in
 * order, tracked under the key 'schema' of a `_meta` table (never edit a shipped entry; append).
 * Runs in the object's constructor on every wake, so when nothing is pending it only reads: a
 * write here would be a storage commit per wake.
 */
export function migrateSqlStorage(sql: SqlStorage, migrations: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  const applied = Number(sql.exec("SELECT value FROM _meta WHERE key = 'schema'").toArray()[0]?.value ?? 0);
  if (applied >= migrations.length) return;
  for (const migration of migrations.slice(applied)) sql.exec(migration);
  sql.exec("INSERT OR REPLACE INTO _meta (key, value) VALUES ('schema', ?)", migrations.length);
}
