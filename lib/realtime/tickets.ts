/**
 * Single-use join tickets of a room that knows its members by id and handle, in the room's own
 * SQLite table `tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, handle TEXT NOT NULL,
 * expires_at INTEGER NOT NULL)` (each room creates it in its migrations). Only a ticket's hash is
 * stored.
 */
export interface TicketHolder {
  userId: string;
  handle: string;
}

/** Stores a ticket's hash, dropping tickets that have expired. */
export function saveTicket(sql: SqlStorage, hash: string, holder: TicketHolder, expiresAt: number): void {
  sql.exec("DELETE FROM tickets WHERE expires_at < ?", Date.now());
  sql.exec(
    "INSERT INTO tickets (hash, user_id, handle, expires_at) VALUES (?, ?, ?, ?)",
    hash,
    holder.userId,
    holder.handle,
    expiresAt,
  );
}

/** Uses up a ticket: it is deleted whether or not it has expired; null when it was not valid. */
export function takeTicket(sql: SqlStorage, hash: string, now: number): TicketHolder | null {
  const row = sql
    .exec<Record<string, SqlStorageValue>>(
      "DELETE FROM tickets WHERE hash = ? RETURNING user_id, handle, expires_at",
      hash,
    )
    .toArray()[0];
  if (!row || Number(row.expires_at) < now) return null;
  return { userId: String(row.user_id), handle: String(row.handle) };
}
