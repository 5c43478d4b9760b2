/** Small helpers for D1 through drizzle that every service's db/ folder uses. */

/** SQLite's answer to a unique or primary-key violation, as D1 reports it. */
export function isUniqueViolation(error: unknown): boolean {
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/.test(message);
}
