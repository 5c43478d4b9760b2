import { RoomError } from "../../lib/realtime/socket-room";
import type { ClientFrame, Participant, Role } from "./protocol";

export interface RosterEntry {
  userId: string;
  handle: string;
  joinedAt: number;
}

/** A user's role: the session's host, a co-host, or a viewer. */
export function roleOf(hostId: string, cohosts: Set<string>, userId: string): Role {
  if (userId === hostId) return "host";
  return cohosts.has(userId) ? "cohost" : "viewer";
}

/** Who is here, from the open sockets: one entry per user (however many devices), in joining order. */
export function participantsOf(
  sockets: Iterable<RosterEntry>,
  hostId: string,
  cohosts: Set<string>,
): Participant[] {
  const byUser = new Map<string, RosterEntry>();
  for (const entry of sockets) {
    const seen = byUser.get(entry.userId);
    if (!seen || entry.joinedAt < seen.joinedAt) byUser.set(entry.userId, entry);
  }
  return [...byUser.values()]
    .sort((a, b) => a.joinedAt - b.joinedAt)
    .map(({ userId, handle }) => ({ userId, handle, role: roleOf(hostId, cohosts, userId) }));
}

/** Refuses a playback or playlist change from a viewer, unless the host lets everyone control. */
export function requireControl(
  session: { hostId: string; everyoneControls: boolean },
  cohosts: Set<string>,
  userId: string,
  frame: ClientFrame["type"],
): void {
  if (session.everyoneControls) return;
  if (roleOf(session.hostId, cohosts, userId) === "viewer") {
    throw new RoomError("forbidden", "only the host and co-hosts control playback", frame);
  }
}

/** Refuses a host-only frame from anyone else. */
export function requireHost(session: { hostId: string }, userId: string, frame: ClientFrame["type"]): void {
  if (userId !== session.hostId) throw new RoomError("forbidden", "only the host can do that", frame);
}
