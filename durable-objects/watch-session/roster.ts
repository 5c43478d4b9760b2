import type { Participant, Role } from "./protocol";

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
