import { AppError } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import type { AuthDb } from "./db/client";
import {
  findRefreshToken,
  findSession,
  insertSession,
  listUnrevokedSessions,
  otherSessionIds,
  type RevokeReason,
  revokeSessions,
  rotateRefreshToken,
  type SessionRow,
} from "./db/sessions";
import { REFRESH_REUSE_GRACE_MS, SESSION_IDLE_TIMEOUT_MS, SESSION_LIFETIME_MS } from "./policy";
import { hashRefreshToken, newRefreshToken } from "./refresh-tokens";
import { publishRevocations } from "./revocations";
import type { SigningKeys } from "./signing-keys";

export interface SessionDeps {
  db: AuthDb;
  keys: SigningKeys;
  revoked: KVNamespace;
  now: number;
  /** Told when this call ended at least one session (the HTTP layer tells the gateway: requestDeps). */
  sessionsEnded?: () => void;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

/** Signs the user in on a new session: a refresh token to keep, an access token to use. */
export async function startSession(
  deps: SessionDeps,
  userId: string,
  client: ClientInfo,
): Promise<TokenPair> {
  const { db, keys, now } = deps;
  const session: SessionRow = {
    id: newId("ses"),
    userId,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: now + SESSION_LIFETIME_MS,
    revokedAt: null,
    revokedReason: null,
    userAgent: client.userAgent?.slice(0, 256) ?? null,
    ip: client.ip,
  };
  const refreshToken = newRefreshToken();
  await insertSession(db, session, await hashRefreshToken(refreshToken));
  const access = await keys.signAccessToken({ userId, sessionId: session.id }, now);
  return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, sessionId: session.id };
}

function isExpired(session: SessionRow, now: number): boolean {
  return session.expiresAt <= now || session.lastUsedAt + SESSION_IDLE_TIMEOUT_MS <= now;
}

const REFRESH_REFUSED = "the refresh token is not valid; sign in again";

/**
 * Exchanges a refresh token for a new pair and retires it. A retired token presented again after
 * the grace period means two parties hold it, one of them a thief: the whole session ends.
 */
export async function refreshSession(deps: SessionDeps, refreshToken: string): Promise<TokenPair> {
  const { db, keys, now } = deps;
  const hash = await hashRefreshToken(refreshToken);
  const found = await findRefreshToken(db, hash);
  if (!found) throw new AppError("unauthorized", REFRESH_REFUSED);
  const { session, rotatedAt } = found;
  if (session.revokedAt !== null || isExpired(session, now)) {
    throw new AppError("unauthorized", "the session has ended; sign in again");
  }
  if (rotatedAt !== null && now - rotatedAt > REFRESH_REUSE_GRACE_MS) {
    await endSessions(deps, [session.id], "refresh_reuse");
    throw new AppError("unauthorized", "this refresh token was already used; the session has been revoked");
  }
  const next = newRefreshToken();
  await rotateRefreshToken(db, session.id, hash, await hashRefreshToken(next), now);
  const access = await keys.signAccessToken({ userId: session.userId, sessionId: session.id }, now);
  return {
    accessToken: access.token,
    refreshToken: next,
    expiresIn: access.expiresIn,
    sessionId: session.id,
  };
}

/** Ends the session of this refresh token. Unknown or already ended: nothing to do. */
export async function logout(deps: SessionDeps, refreshToken: string): Promise<void> {
  const found = await findRefreshToken(deps.db, await hashRefreshToken(refreshToken));
  if (found && found.session.revokedAt === null) await endSessions(deps, [found.session.id], "logout");
}

/** Revokes sessions in D1 and publishes them to KV so their access tokens stop working too. */
export async function endSessions(
  deps: SessionDeps,
  sessionIds: string[],
  reason: RevokeReason,
): Promise<void> {
  const revoked = await revokeSessions(deps.db, sessionIds, reason, deps.now);
  if (revoked.length > 0) deps.sessionsEnded?.();
  await publishRevocations(deps.revoked, revoked, reason);
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

/** The user's live sessions, the one making this call marked `current`. */
export async function listSessions(
  deps: SessionDeps,
  userId: string,
  currentId: string,
): Promise<SessionView[]> {
  const rows = await listUnrevokedSessions(deps.db, userId);
  return rows
    .filter((row) => !isExpired(row, deps.now))
    .map((row) => ({
      id: row.id,
      createdAt: new Date(row.createdAt).toISOString(),
      lastUsedAt: new Date(row.lastUsedAt).toISOString(),
      expiresAt: new Date(Math.min(row.expiresAt, row.lastUsedAt + SESSION_IDLE_TIMEOUT_MS)).toISOString(),
      userAgent: row.userAgent,
      ip: row.ip,
      current: row.id === currentId,
    }));
}

/** Revokes one of the user's own sessions; another user's session is "not found", never "forbidden". */
export async function revokeOwnSession(deps: SessionDeps, userId: string, sessionId: string): Promise<void> {
  const session = await findSession(deps.db, sessionId);
  if (!session || session.userId !== userId) throw new AppError("not_found", "no such session");
  await endSessions(deps, [session.id], "revoked");
}

export async function revokeOtherSessions(
  deps: SessionDeps,
  userId: string,
  keep: string,
  reason: RevokeReason,
) {
  await endSessions(deps, await otherSessionIds(deps.db, userId, keep), reason);
}
