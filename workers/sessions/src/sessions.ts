import type { WatchSession } from "../../../durable-objects/watch-session/watch-session";
import { AppError } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { decodeCursor, KeysetCursor, pageOf } from "../../../lib/pagination";
import type { SessionsDb } from "./db/client";
import {
  findSession,
  insertSession,
  isMember,
  markEnded,
  pageLiveSessions,
  type SessionRow,
} from "./db/sessions";

export interface SessionDeps {
  db: SessionsDb;
  rooms: DurableObjectNamespace<WatchSession>;
  users: SessionsEnv["USERS"];
  now: number;
}

export function roomOf(deps: Pick<SessionDeps, "rooms">, sessionId: string) {
  return deps.rooms.get(deps.rooms.idFromName(sessionId));
}

const INVITE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function newInviteCode(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) =>
    INVITE_ALPHABET.charAt(byte % 32),
  ).join("");
}

/** The session as the API shows it; the invite code only to its host. */
export function toSession(row: SessionRow, viewerId: string | null) {
  return {
    id: row.id,
    title: row.title,
    hostId: row.hostId,
    mediaUrl: row.mediaUrl,
    visibility: row.visibility,
    createdAt: new Date(row.createdAt).toISOString(),
    status: row.status,
    ...(viewerId === row.hostId && { inviteCode: row.inviteCode }),
  };
}

export async function createSession(
  deps: SessionDeps,
  hostId: string,
  input: { title: string; mediaUrl: string; visibility: "private" | "public" },
) {
  const row: SessionRow = {
    id: newId("wch"),
    ...input,
    hostId,
    inviteCode: newInviteCode(),
    status: "live",
    participantCount: 0,
    createdAt: deps.now,
    endedAt: null,
  };
  // The object first: a session in the index always has its room.
  await roomOf(deps, row.id).initialize({
    id: row.id,
    title: row.title,
    creatorId: hostId,
    mediaUrl: row.mediaUrl,
    visibility: row.visibility,
    createdAt: row.createdAt,
  });
  await insertSession(deps.db, row);
  return { ...toSession(row, hostId), inviteCode: row.inviteCode };
}

/**
 * The session if this caller may see it: public ones to anyone, private ones to their host, their
 * members and whoever brings the invite code. Everyone else gets 404, as if it did not exist.
 */
export async function visibleSession(
  deps: SessionDeps,
  sessionId: string,
  viewerId: string | null,
  inviteCode: string | undefined,
): Promise<SessionRow> {
  const row = await findSession(deps.db, sessionId);
  const allowed =
    row &&
    (row.visibility === "public" ||
      row.hostId === viewerId ||
      (inviteCode !== undefined && inviteCode === row.inviteCode) ||
      (viewerId !== null && (await isMember(deps.db, row.id, viewerId))));
  if (!row || !allowed) throw new AppError("not_found", "no such session");
  return row;
}

export async function sessionDetail(deps: SessionDeps, row: SessionRow, viewerId: string | null) {
  const summary = await roomOf(deps, row.id).summary();
  if (!summary) throw new AppError("internal", "the session's room is missing", { cause: row.id });
  return {
    ...toSession(row, viewerId),
    // The room's own: a playlist's `next` changes the media without touching the index row.
    mediaUrl: summary.session.mediaUrl,
    playback: summary.playback,
    participantCount: summary.participantCount,
    locked: summary.session.locked,
    liveHostId: summary.session.hostId,
  };
}

export async function listSessions(
  deps: SessionDeps,
  viewerId: string | null,
  limit: number,
  cursor?: string,
) {
  const after = cursor ? decodeCursor(KeysetCursor, cursor) : null;
  const rows = await pageLiveSessions(deps.db, viewerId, limit + 1, after);
  const page = pageOf(rows, limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { items: page.items.map((row) => toSession(row, viewerId)), nextCursor: page.nextCursor };
}

/** A single-use ticket to join, for a caller who may see the session (and is not refused by it). */
export async function issueTicket(deps: SessionDeps, row: SessionRow, userId: string) {
  if (row.status === "ended") throw new AppError("not_found", "the session has ended");
  const profile = await deps.users.getProfile(userId);
  if (!profile) throw new AppError("forbidden", "finish your profile first");
  const result = await roomOf(deps, row.id).issueTicket({ userId, handle: profile.handle });
  if (!result.ok) throw new AppError(result.code, result.message);
  return { ticket: result.ticket, expiresIn: result.expiresIn };
}

export async function chatHistory(deps: SessionDeps, row: SessionRow, limit: number, before?: string) {
  const messages = await roomOf(deps, row.id).history({ before, limit: limit + 1 });
  if (!messages) throw new AppError("not_found", "no such session");
  const items = messages.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: messages.length > limit && last ? last.id : null };
}

/** Ends a session: every socket closes, and it leaves the live list. */
export async function endSession(deps: SessionDeps, sessionId: string, userId: string): Promise<void> {
  const row = await findSession(deps.db, sessionId);
  if (!row || row.status === "ended") throw new AppError("not_found", "no such session");
  const result = await roomOf(deps, sessionId).end({ userId });
  if (!result.ok) {
    // Someone who cannot see a private session learns nothing about it.
    const canSee = row.visibility === "public" || (await isMember(deps.db, row.id, userId));
    throw new AppError(canSee ? result.code : "not_found", canSee ? result.message : "no such session");
  }
  await markEnded(deps.db, sessionId, deps.now);
}
