import type { Member, Publication } from "./protocol";
import { type CallSocket, membersOf } from "./roster";
import { type Caller, forbidden, type Refusal } from "./rpc";
import type { CallRecord, CallStorage } from "./storage";

type HeldSocket = { ws: WebSocket; state: CallSocket };

/**
 * Who may see and join a call, and who is in it now. Presence is read from the sockets the room
 * holds (their attachments survive hibernation), so nothing here is kept in memory.
 */
export class CallMembership {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly store: CallStorage,
    /** The room's open sockets with their state (SocketRoom.sockets). */
    private readonly sockets: () => HeldSocket[],
  ) {}

  /** Who may see the call and ask to join: the host, invitees, past members, holders of the code. */
  maySee(call: CallRecord, caller: Caller): boolean {
    return (
      caller.userId === call.creatorId ||
      caller.userId === call.hostId ||
      caller.hasInviteCode ||
      this.store.isInvited(caller.userId) ||
      this.store.hasJoined(caller.userId)
    );
  }

  /** Why this user may not join now, or null. */
  admissionRefusal(call: CallRecord, userId: string): Refusal | null {
    if (this.store.isKicked(userId)) return forbidden("you were removed from this call");
    const present = this.presentUserIds();
    if (!present.has(userId) && present.size >= call.maxMembers) {
      return forbidden(`the call is full (${call.maxMembers} members)`);
    }
    return null;
  }

  /** The first join starts the call; the peak is the most members present at once. */
  recordArrival(call: CallRecord, now: number): void {
    const count = this.presentUserIds().size;
    this.store.updateCall({
      ...(call.startedAt === null && { startedAt: now }),
      ...(count > call.peakMembers && { peakMembers: count }),
      emptySince: null,
    });
  }

  /** Every open socket of one user, whether or not its departure has been handled. */
  socketsOf(userId: string): HeldSocket[] {
    return this.sockets().filter(({ state }) => state.userId === userId);
  }

  /** One user's open sockets that still count them as present. */
  openSocketsOf(userId: string): WebSocket[] {
    return this.ctx.getWebSockets(userId).filter((ws) => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      return !(ws.deserializeAttachment() as CallSocket | null)?.departed;
    });
  }

  isPresent(userId: string): boolean {
    return this.openSocketsOf(userId).length > 0;
  }

  presentUserIds(): Set<string> {
    return new Set(this.presentSockets().map(({ state }) => state.userId));
  }

  /** Who is here, one entry per member, in joining order, with their media and SFU tracks. */
  members(call: CallRecord): Member[] {
    const publications = call.mode === "sfu" ? this.store.publications() : new Map<string, Publication>();
    return membersOf(
      this.presentSockets().map(({ state }) => state),
      call.hostId,
      publications,
    );
  }

  private presentSockets(): HeldSocket[] {
    return this.sockets().filter(({ state }) => !state.departed);
  }
}
