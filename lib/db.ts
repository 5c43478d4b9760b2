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
 * post), ordered by column `time`, each row named by column `id`. The names go into SQL as they
 * are: they come from our schemas, never from input.
 */
export interface TimeOrderedList {
  table: string;
  id: string;
  list: string;
  time: string;
}

/**
 * A statement inserting `row` (column name to value, without the time) at the end of its list:
 * its time is `now`, or one millisecond past the list's newest when that is not before `now`
 * (docs/decisions.md, 22). D1 runs one statement at a time, so rows inserted at once get distinct
 * times too. It returns the time as `at`.
 */
export function insertInTimeOrder(
  d1: D1Database,
  { table, list, time }: TimeOrderedList,
  row: Readonly<Record<string, string | number | null>>,
  now: number,
): D1PreparedStatement {
  const columns = Object.keys(row);
  const listIndex = columns.indexOf(list);
  if (listIndex < 0) throw new Error(`insertInTimeOrder: the row has no ${list}`);
  const nowParam = `?${columns.length + 1}`;
  return d1
    .prepare(
      `INSERT INTO ${table} (${columns.join(", ")}, ${time})
       VALUES (${placeholders(columns.length)}, max(${nowParam},
         coalesce((SELECT max(${time}) + 1 FROM ${table} WHERE ${list} = ?${listIndex + 1}), ${nowParam})))
       RETURNING ${time} AS at`,
    )
    .bind(...Object.values(row), now);
}
