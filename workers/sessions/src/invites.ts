import { AppError } from "../../../lib/errors";
import { commitWithEvents, type OutboxDeps } from "../../../lib/events/outbox";
import { domainEvent, type EventContext } from "../../../lib/events/publish";
import { findSession, isMember } from "./db/sessions";
import type { SessionDeps } from "./sessions";

export interface InviteDeps extends Pick<SessionDeps, "db" | "users"> {
  /** Where the invitations are stored and sent from (lib/events/outbox.ts). */
  outbox: OutboxDeps;
}

export interface InviteResult {
  invited: { id: string; handle: string }[];
  /** Handles that name nobody. */
  unknown: string[];
}

/**
 * Invites users by handle into a live session: the host and members may invite. Each invitee gets
 * a session.invited event (the notifications service tells them, with the invite code they need
 * to join a private session). Unknown handles are reported, not refused; inviting oneself is a no-op.
 * The events are the invitation's only record: they are stored in the outbox before they are sent,
 * so a failed send is relayed later instead of lost (and the request still succeeds).
 */
export async function inviteToSession(
  deps: InviteDeps,
  sessionId: string,
  inviterId: string,
  handles: string[],
  context: EventContext,
): Promise<InviteResult> {
  const row = await findSession(deps.db, sessionId);
  const canSee =
    row &&
    (row.visibility === "public" || row.hostId === inviterId || (await isMember(deps.db, row.id, inviterId)));
  if (!row || !canSee || row.status === "ended") throw new AppError("not_found", "no such session");
  if (row.hostId !== inviterId && !(await isMember(deps.db, row.id, inviterId))) {
    throw new AppError("forbidden", "only the host and members can invite");
  }
  const wanted = [...new Set(handles.map((handle) => handle.replace(/^@/, "").toLowerCase()))];
  const profiles = await Promise.all(wanted.map((handle) => deps.users.getProfileByHandle(handle)));
  const invited: InviteResult["invited"] = [];
  const unknown: string[] = [];
  profiles.forEach((profile, index) => {
    if (!profile) unknown.push(wanted[index] ?? "");
    else if (profile.id !== inviterId) invited.push({ id: profile.id, handle: profile.handle });
  });
  await commitWithEvents(
    deps.outbox,
    [],
    invited.map((invitee) =>
      domainEvent(
        "session.invited",
        { sessionId: row.id, inviteeId: invitee.id, title: row.title, inviteCode: row.inviteCode },
        context,
      ),
    ),
  );
  return { invited, unknown };
}
