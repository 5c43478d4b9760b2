/** Small helpers for D1 through drizzle that every service's db/ folder uses. */

/** SQLite's answer to a unique or primary-key violation, as D1 reports it. */
export function isUniqueViolation(error: unknown): boolean {
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/.test(message);
}

/**
 * D1 binds at most 100 parameters per statement, so a long `IN (...)` list is queried in chunks of
 * this many (leaving room for the statement's other parameters), usually all in one `batch()`.
 */
export const MAX_IN_LIST = 90;

/** `values` in chunks of at most MAX_IN_LIST, in order. */
export function inChunks<T>(values: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += MAX_IN_LIST) chunks.push(values.slice(i, i + MAX_IN_LIST));
  return chunks;
}

/** `?1, ?2, ...` (or from `?from`): numbered placeholders for an `IN (...)` list of `count` values. */
export function placeholders(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `?${from + i}`).join(", ");
}

/** Every row of some statements: one `all()` for one statement, else one `batch()` (one round trip). */
export async function allRows<T>(d1: D1Database, statements: D1PreparedStatement[]): Promise<T[]> {
  const [first, ...rest] = statements;
  if (!first) return [];
  const results = rest.length === 0 ? [await first.all<T>()] : await d1.batch<T>(statements);
  return results.flatMap((result) => result.results);
}

/**
 * A list ordered by time within a table: the rows with one value in column `list` (an author, a
 * post), ordered by column `time`. The names go into SQL as they are: they come from our schemas,
 * never from input.
 */
export interface TimeOrderedList {
  table: string;
  list: string;
  time: string;
}

/**
 * A statement inserting `row` (column name to value) unless its list already has a row at or after
 * its time. Then it changes no row, which lib/events/outbox.ts `commitInTimeOrder` looks for.
 */
export function insertAfterList(
  d1: D1Database,
  { table, list, time }: TimeOrderedList,
  row: Readonly<Record<string, string | number | null>>,
): D1PreparedStatement {
  const columns = Object.keys(row);
  const at = (column: string) => {
    const index = columns.indexOf(column);
    if (index < 0) throw new Error(`insertAfterList: the row has no ${column}`);
    return `?${index + 1}`;
  };
  return d1
    .prepare(
      `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${placeholders(columns.length)}
       WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE ${list} = ${at(list)} AND ${time} >= ${at(time)})`,
    )
    .bind(...Object.values(row));
}

/** The newest time in the list of `key`, if it has a row (one probe of an index on (list, time)). */
export async function newestInList(
  d1: D1Database,
  { table, list, time }: TimeOrderedList,
  key: string,
): Promise<number | null> {
  const row = await d1
    .prepare(`SELECT max(${time}) AS at FROM ${table} WHERE ${list} = ?1`)
    .bind(key)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}
