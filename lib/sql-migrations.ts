/**
 * Brings a Durable Object's own SQLite storage up to date: each entry of `migrations` runs once, in
 * order, tracked under the key 'schema' of a `_meta` table (never edit a shipped entry; append).
 * Runs in the object's constructor on every wake, so when nothing is pending it is one statement,
 * a read: `_meta` is created only for storage never migrated (bench/social/wake.mjs measured the
 * woken Timeline a little cheaper than with a `CREATE TABLE IF NOT EXISTS` first, within its noise).
 */
export function migrateSqlStorage(sql: SqlStorage, migrations: readonly string[]): void {
  const applied = appliedMigrations(sql);
  if (applied >= migrations.length) return;
  if (applied === 0)
    sql.exec("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  for (const migration of migrations.slice(applied)) sql.exec(migration);
  sql.exec("INSERT OR REPLACE INTO _meta (key, value) VALUES ('schema', ?)", migrations.length);
}

/** How many migrations have run: 0 for storage that has never been migrated (no `_meta` yet). */
function appliedMigrations(sql: SqlStorage): number {
  try {
    return Number(sql.exec("SELECT value FROM _meta WHERE key = 'schema'").toArray()[0]?.value ?? 0);
  } catch (error) {
    if (String(error).includes("no such table")) return 0;
    throw error;
  }
}
