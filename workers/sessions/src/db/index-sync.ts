import { eq } from "drizzle-orm";
import { sessionsDb } from "./client";
import { sessionMembers, watchSessions } from "./schema";

/**
 * What a WatchSession tells the index, from its alarm: how many are in it now, and who joined for
 * the first time since the last sync (one batch, so the two never disagree for long).
 */
export async function syncSessionIndex(
  d1: D1Database,
  sessionId: string,
  participantCount: number,
  newMembers: { userId: string; joinedAt: number }[],
): Promise<void> {
  const db = sessionsDb(d1);
  const count = db.update(watchSessions).set({ participantCount }).where(eq(watchSessions.id, sessionId));
  if (newMembers.length === 0) {
    await count;
    return;
  }
  const members = db
    .insert(sessionMembers)
    .values(newMembers.map((m) => ({ sessionId, userId: m.userId, joinedAt: m.joinedAt })))
    .onConflictDoNothing();
  await db.batch([count, members]);
}
