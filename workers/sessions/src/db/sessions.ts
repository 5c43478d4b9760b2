import { and, desc, eq, exists, lt, or, type SQL } from "drizzle-orm";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { SessionsDb } from "./client";
import { sessionMembers, watchSessions } from "./schema";

export type SessionRow = typeof watchSessions.$inferSelect;

export async function insertSession(db: SessionsDb, row: SessionRow): Promise<void> {
  await db.insert(watchSessions).values(row);
}

export async function findSession(db: SessionsDb, id: string): Promise<SessionRow | undefined> {
  return db.query.watchSessions.findFirst({ where: eq(watchSessions.id, id) });
}

export async function isMember(db: SessionsDb, sessionId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ one: sessionMembers.joinedAt })
    .from(sessionMembers)
    .where(and(eq(sessionMembers.sessionId, sessionId), eq(sessionMembers.userId, userId)))
    .limit(1);
  return rows.length > 0;
}

export async function markEnded(db: SessionsDb, id: string, now: number): Promise<void> {
  await db
    .update(watchSessions)
    .set({ status: "ended", endedAt: now, participantCount: 0 })
    .where(eq(watchSessions.id, id));
}

/** Live sessions the viewer may list: public ones, and their own (hosted or joined). Newest first. */
export async function pageLiveSessions(
  db: SessionsDb,
  viewerId: string | null,
  limit: number,
  after: KeysetCursor | null,
): Promise<SessionRow[]> {
  const visible: (SQL | undefined)[] = [eq(watchSessions.visibility, "public")];
  if (viewerId) {
    visible.push(eq(watchSessions.hostId, viewerId));
    visible.push(
      exists(
        db
          .select({ one: sessionMembers.joinedAt })
          .from(sessionMembers)
          .where(and(eq(sessionMembers.sessionId, watchSessions.id), eq(sessionMembers.userId, viewerId))),
      ),
    );
  }
  const conditions: (SQL | undefined)[] = [eq(watchSessions.status, "live"), or(...visible)];
  if (after) {
    conditions.push(
      or(
        lt(watchSessions.createdAt, after.at),
        and(eq(watchSessions.createdAt, after.at), lt(watchSessions.id, after.id)),
      ),
    );
  }
  return db
    .select()
    .from(watchSessions)
    .where(and(...conditions))
    .orderBy(desc(watchSessions.createdAt), desc(watchSessions.id))
    .limit(limit);
}
