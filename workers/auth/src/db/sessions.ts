import { and, desc, eq, gt, inArray, isNull, ne } from "drizzle-orm";
import type { AuthDb } from "./client";
import { refreshTokens, sessions } from "./schema";

export type SessionRow = typeof sessions.$inferSelect;
export type RevokeReason = NonNullable<SessionRow["revokedReason"]>;

/** A new session and its first refresh token, written together. */
export async function insertSession(db: AuthDb, session: SessionRow, tokenHash: string): Promise<void> {
  await db.batch([
    db.insert(sessions).values(session),
    db.insert(refreshTokens).values({ tokenHash, sessionId: session.id, createdAt: session.createdAt }),
  ]);
}

export interface RefreshTokenWithSession {
  rotatedAt: number | null;
  session: SessionRow;
}

export async function findRefreshToken(
  db: AuthDb,
  tokenHash: string,
): Promise<RefreshTokenWithSession | undefined> {
  const [row] = await db
    .select({ rotatedAt: refreshTokens.rotatedAt, session: sessions })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/**
 * Rotation in one transaction: the old token is marked used (keeping its first use time), its
 * successor is stored, and the session's last use moves on.
 */
export async function rotateRefreshToken(
  db: AuthDb,
  sessionId: string,
  oldHash: string,
  newHash: string,
  now: number,
): Promise<void> {
  await db.batch([
    db
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(and(eq(refreshTokens.tokenHash, oldHash), isNull(refreshTokens.rotatedAt))),
    db.insert(refreshTokens).values({ tokenHash: newHash, sessionId, createdAt: now }),
    db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, sessionId)),
  ]);
}

export async function findSession(db: AuthDb, sessionId: string): Promise<SessionRow | undefined> {
  return db.query.sessions.findFirst({ where: eq(sessions.id, sessionId) });
}

/** The user's sessions that were not revoked, newest first (expiry is judged by the caller). */
export async function listUnrevokedSessions(db: AuthDb, userId: string): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .orderBy(desc(sessions.createdAt))
    .limit(200);
}

/** Revokes the given sessions that are not revoked yet; returns the ids it revoked. */
export async function revokeSessions(
  db: AuthDb,
  sessionIds: string[],
  reason: RevokeReason,
  now: number,
): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(inArray(sessions.id, sessionIds), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.map((row) => row.id);
}

/** The user's other unrevoked sessions (all but `keep`). */
export async function otherSessionIds(db: AuthDb, userId: string, keep: string): Promise<string[]> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, keep)));
  return rows.map((row) => row.id);
}

export async function isSessionLive(db: AuthDb, sessionId: string, now: number): Promise<boolean> {
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  return row !== undefined;
}
