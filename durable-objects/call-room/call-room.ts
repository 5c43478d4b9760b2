import type { ErrorCode } from "../../lib/errors";
import { randomToken, sha256Hex } from "../../lib/ids";
import { TokenBucket } from "../../lib/realtime/limits";
import { RoomError, SocketRoom } from "../../lib/realtime/socket-room";
import { acceptUpgrade, offeredTicket, refuseUpgrade } from "../../lib/realtime/upgrade";
import { recordCallEnded } from "../../workers/calls/src/db/calls";
import { CALL_LIMITS } from "./limits";
import { CallMembership } from "./membership";
import {
  byteLength,
  CLOSE,
  ClientFrame,
  type EndReason,
  MAX_FRAME_BYTES,
  MAX_SIGNAL_BYTES,
  type Publication,
  type ServerFrame,
  type SignalData,
} from "./protocol";
import { type CallSocket, closeSocket, type LeaveReason, markDeparted, NO_MEDIA } from "./roster";
import {
  type Caller,
  type CallInit,
  type EndResult,
  forbidden,
  notFound,
  type SfuCheck,
  type SfuSessionRequest,
  type SummaryResult,
  type TicketResult,
} from "./rpc";
import { sfuMemberRefusal, sfuSessionRefusal } from "./sfu-rules";
import { type CallRecord, CallStorage, viewOf } from "./storage";

/**
 * One video call: who is in it with their media state, WebRTC signaling between its members (mesh),
 * and the SFU sessions and tracks of its members (SFU mode). Every member's WebSocket is held
 * through hibernation; all state is in SQLite and socket attachments (rate buckets excepted).
 * When nobody has been in the call for a while it ends itself and writes its ending to the index.
 */
export class CallRoom extends SocketRoom<CallsEnv, ClientFrame, CallSocket> {
  protected readonly frames = ClientFrame;
  protected readonly limits = { maxFrameBytes: MAX_FRAME_BYTES, idleTimeoutMs: CALL_LIMITS.idleTimeoutMs };
  protected readonly closeCodes = CLOSE;
  private readonly store: CallStorage;
  private readonly membership: CallMembership;
  private readonly signalLimit = new TokenBucket(CALL_LIMITS.signals.burst, CALL_LIMITS.signals.perSecond);
  private readonly updateLimit = new TokenBucket(CALL_LIMITS.updates.burst, CALL_LIMITS.updates.perSecond);

  constructor(ctx: DurableObjectState, env: CallsEnv) {
    super(ctx, env);
    this.store = new CallStorage(ctx.storage.sql);
    this.membership = new CallMembership(ctx, this.store, () => this.sockets());
  }

  // ---- RPC from the calls Worker ----

  async initialize(init: CallInit): Promise<void> {
    this.store.createCall(init);
    this.store.invite(init.invitedIds.filter((id) => id !== init.creatorId));
    await this.scheduleAlarm(init.createdAt + CALL_LIMITS.unstartedGraceMs);
  }

  /** The call and who is in it, for a caller who may see it. */
  async summary(caller: Caller): Promise<SummaryResult> {
    const call = this.store.call();
    if (!call || !this.membership.maySee(call, caller)) return notFound();
    return {
      ok: true,
      summary: { call: viewOf(call), status: call.status, members: this.membership.members(call) },
    };
  }

  async issueTicket(caller: Caller & { handle: string }): Promise<TicketResult> {
    const call = this.store.call();
    if (!call || call.status === "ended" || !this.membership.maySee(call, caller)) return notFound();
    const refusal = this.membership.admissionRefusal(call, caller.userId);
    if (refusal) return refusal;
    const ticket = randomToken(24);
    const expiresAt = Date.now() + CALL_LIMITS.ticketTtlMs;
    this.store.saveTicket(await sha256Hex(ticket), caller.userId, caller.handle, expiresAt);
    return { ok: true, ticket, expiresIn: CALL_LIMITS.ticketTtlMs / 1000 };
  }

  /** The host (or the creator) ends the call for everyone. */
  async end({ userId }: { userId: string }): Promise<EndResult> {
    const call = this.store.call();
    if (!call || call.status === "ended") return notFound();
    if (userId !== call.creatorId && userId !== call.hostId) {
      const canSee = this.membership.maySee(call, { userId, hasInviteCode: false });
      return canSee ? forbidden("only the host can end the call") : notFound();
    }
    await this.finish(call, "host", Date.now());
    return { ok: true };
  }

  // ---- RPC: SFU bookkeeping (the Worker talks to the SFU, the room says who may) ----

  /** Whether this user may open an SFU session here: an SFU call they are connected to. */
  async checkSfuMember(userId: string): Promise<SfuCheck> {
    return sfuMemberRefusal(this.store.call(), userId, (id) => this.membership.isPresent(id)) ?? { ok: true };
  }

  /** Records a member's new SFU session (replacing any older one) and tells everyone. */
  async sfuSessionOpened({ userId, sessionId }: { userId: string; sessionId: string }): Promise<SfuCheck> {
    const check = await this.checkSfuMember(userId);
    if (!check.ok) return check;
    this.store.saveSfuSession(sessionId, userId);
    this.broadcastRoster();
    return check;
  }

  /**
   * Whether `userId` may act on SFU session `sessionId` (it must be theirs), pulling the remote
   * tracks named (each must be published here by another member who is present).
   */
  async checkSfuSession(request: SfuSessionRequest): Promise<SfuCheck> {
    const isPresent = (id: string) => this.membership.isPresent(id);
    const refusal =
      sfuMemberRefusal(this.store.call(), request.userId, isPresent) ??
      sfuSessionRefusal(this.store, request, isPresent);
    return refusal ?? { ok: true };
  }

  /** The SFU accepted tracks a member publishes: record them and tell everyone. */
  async sfuTracksPublished(change: {
    userId: string;
    sessionId: string;
    tracks: Publication["tracks"];
  }): Promise<void> {
    if (this.store.sfuSessionOwner(change.sessionId) !== change.userId || change.tracks.length === 0) return;
    this.store.publishTracks(change.sessionId, change.tracks);
    this.broadcastRoster();
  }

  /** The SFU closed tracks of a member's session: forget the published ones and tell everyone. */
  async sfuTracksClosed(change: { userId: string; sessionId: string; mids: string[] }): Promise<void> {
    if (this.store.sfuSessionOwner(change.sessionId) !== change.userId) return;
    if (this.store.unpublishTracks(change.sessionId, change.mids)) this.broadcastRoster();
  }

  // ---- WebSocket upgrade ----

  override async fetch(request: Request): Promise<Response> {
    const refuse = (code: ErrorCode, message: string) => refuseUpgrade(request, code, message);
    const offer = offeredTicket(request);
    if (!offer.ok) return refuse(offer.code, offer.message);
    const { ticket } = offer;

    const call = this.store.call();
    if (!call || call.status === "ended") return refuse("not_found", "no such call");
    const now = Date.now();
    const holder = this.store.takeTicket(await sha256Hex(ticket), now);
    if (!holder) return refuse("unauthorized", "the ticket is unknown, used or expired");
    const refusal = this.membership.admissionRefusal(call, holder.userId);
    if (refusal) return refuse(refusal.code, refusal.message);

    // One connection per member: a second one (another tab, a reconnect) replaces the first.
    const replaced = this.membership.socketsOf(holder.userId);
    for (const { ws, state } of replaced) closeSocket(ws, state, "replaced", CLOSE.replaced);
    if (replaced.length > 0) this.departed(call, holder.userId, "replaced", now);

    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [holder.userId]);
    const state: CallSocket = {
      userId: holder.userId,
      handle: holder.handle,
      joinedAt: now,
      lastSeen: now,
      media: NO_MEDIA,
      hand: false,
    };
    server.serializeAttachment(state);
    this.store.addMember(holder.userId, now);
    this.membership.recordArrival(this.store.call() ?? call, now);

    const current = this.store.call() ?? call;
    const members = this.membership.members(current);
    this.send(server, { type: "roster", call: viewOf(current), members } satisfies ServerFrame);
    const newcomer = members.find((m) => m.userId === holder.userId);
    if (newcomer) this.broadcast({ type: "joined", member: newcomer } satisfies ServerFrame, server);
    await this.scheduleAlarm(now + CALL_LIMITS.sweepEveryMs);
    return acceptUpgrade(client);
  }

  // ---- Frames ----

  protected async onFrame(ws: WebSocket, frame: ClientFrame, state: CallSocket): Promise<void> {
    const call = this.liveCall();
    const now = Date.now();
    switch (frame.type) {
      case "ping":
        this.send(ws, { type: "pong", t: frame.t, serverTime: now } satisfies ServerFrame);
        return;
      case "signal":
        this.relaySignal(state, frame.to, frame.data, now);
        return;
      case "media":
      case "hand":
        if (!this.updateLimit.take(state.userId, now))
          throw new RoomError("rate_limited", "too many updates", frame.type);
        if (frame.type === "media")
          state.media = { audio: frame.audio, video: frame.video, screen: frame.screen };
        else state.hand = frame.raised;
        ws.serializeAttachment(state);
        this.broadcastRoster();
        return;
      case "mute":
        this.requireHost(call, state.userId, "mute");
        this.mute(state.userId, frame.userId);
        return;
      case "kick":
        this.requireHost(call, state.userId, "kick");
        this.kick(call, frame.userId, now);
        return;
    }
  }

  /** Passes a signal on to one member of this room; nobody outside it can be reached. */
  private relaySignal(from: CallSocket, to: string, data: SignalData, now: number): void {
    if (!this.signalLimit.take(from.userId, now))
      throw new RoomError("rate_limited", "too many signals", "signal");
    if (to === from.userId) throw new RoomError("bad_frame", "a signal goes to another member", "signal");
    if (byteLength(JSON.stringify(data)) > MAX_SIGNAL_BYTES) {
      throw new RoomError(
        "payload_too_large",
        `signal data is limited to ${MAX_SIGNAL_BYTES} bytes`,
        "signal",
      );
    }
    const text = JSON.stringify({ type: "signal", from: from.userId, data } satisfies ServerFrame);
    const targets = this.membership.openSocketsOf(to);
    if (targets.length === 0) throw new RoomError("not_found", "no such member in this call", "signal");
    for (const ws of targets) {
      try {
        ws.send(text);
      } catch {
        // closing meanwhile: its close handler tells everyone
      }
    }
  }

  private mute(by: string, userId: string): void {
    const targets = this.membership.socketsOf(userId);
    if (targets.length === 0) throw new RoomError("not_found", "no such member in this call", "mute");
    for (const { ws, state } of targets) {
      state.media = { ...state.media, audio: false };
      ws.serializeAttachment(state);
      this.send(ws, { type: "muted", by } satisfies ServerFrame);
    }
    this.broadcastRoster();
  }

  private kick(call: CallRecord, userId: string, now: number): void {
    if (userId === call.hostId) throw new RoomError("conflict", "the host cannot be removed", "kick");
    // An heir host (the creator stepped out and came back) must not lock the creator out of their call.
    if (userId === call.creatorId)
      throw new RoomError("forbidden", "the call's creator cannot be removed", "kick");
    const targets = this.membership.socketsOf(userId);
    if (targets.length === 0) throw new RoomError("not_found", "no such member in this call", "kick");
    this.store.kick(userId, now);
    for (const { ws, state } of targets) closeSocket(ws, state, "kicked", CLOSE.kicked);
    this.departed(call, userId, "kicked", now);
  }

  // ---- Departures ----

  protected async onLeave(ws: WebSocket, state: CallSocket): Promise<void> {
    if (state.departed) return;
    markDeparted(ws, state, "left");
    const call = this.store.call();
    if (!call || call.status === "ended") return;
    // Another connection of the same member replaced this one: they are still here.
    if (this.membership.openSocketsOf(state.userId).length > 0) return;
    this.departed(call, state.userId, "left", Date.now());
    if (this.membership.presentUserIds().size === 0)
      await this.scheduleAlarm(Date.now() + CALL_LIMITS.emptyGraceMs);
  }

  /** After a member's last socket has gone: their SFU tracks go, the host role passes on, all are told. */
  private departed(call: CallRecord, userId: string, reason: LeaveReason, now: number): void {
    this.store.dropSfuSessionsOf(userId);
    this.broadcast({ type: "left", userId, reason } satisfies ServerFrame);
    if (reason === "replaced") return;
    const present = this.membership.members(call);
    if (present.length === 0) {
      this.store.updateCall({ emptySince: now });
      return;
    }
    if (userId === call.hostId) {
      const heir = present[0];
      if (heir) {
        this.store.updateCall({ hostId: heir.userId });
        this.broadcastRoster();
      }
    }
  }

  // ---- Alarm: silent sockets, and the call ending itself when empty ----

  override async alarm(): Promise<void> {
    const call = this.store.call();
    if (!call || call.status === "ended") return;
    const now = Date.now();
    await this.closeSilent(now);
    if (this.membership.presentUserIds().size > 0) {
      await this.ctx.storage.setAlarm(now + CALL_LIMITS.sweepEveryMs);
      return;
    }
    const current = this.store.call() ?? call;
    const emptySince = current.emptySince ?? now;
    if (current.emptySince === null) this.store.updateCall({ emptySince });
    const grace = current.startedAt === null ? CALL_LIMITS.unstartedGraceMs : CALL_LIMITS.emptyGraceMs;
    if (now - emptySince >= grace) await this.finish(current, "empty", now);
    else await this.ctx.storage.setAlarm(emptySince + grace);
  }

  /** Closes sockets that showed no life (no frame, no auto-answered "ping") for too long. */
  private async closeSilent(now: number): Promise<void> {
    for (const { ws, state } of this.sockets()) {
      if (now - this.lastSignOfLife(ws, state) <= CALL_LIMITS.idleTimeoutMs) continue;
      closeSocket(ws, state, "timed_out", CLOSE.timedOut);
      const call = this.store.call();
      if (call && this.membership.openSocketsOf(state.userId).length === 0)
        this.departed(call, state.userId, "timed_out", now);
    }
  }

  /**
   * Ends the call: the index learns how it went (first, so a failed write leaves the call live
   * and the alarm or the host can try again), then everyone is told and disconnected.
   */
  private async finish(call: CallRecord, reason: EndReason, now: number): Promise<void> {
    const lastPresent = this.membership.presentUserIds().size > 0 ? now : (call.emptySince ?? now);
    const durationMs = call.startedAt === null ? 0 : Math.max(0, lastPresent - call.startedAt);
    await recordCallEnded(this.env.DB, call.id, {
      startedAt: call.startedAt,
      endedAt: now,
      endReason: reason,
      durationMs,
      peakMembers: call.peakMembers,
    });
    this.store.updateCall({ status: "ended", endedAt: now, endReason: reason });
    this.store.clearTickets();
    this.broadcast({ type: "ended", reason } satisfies ServerFrame);
    for (const { ws, state } of this.sockets()) closeSocket(ws, state, "left", CLOSE.ended);
    await this.ctx.storage.deleteAlarm();
  }

  private async scheduleAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  // ---- State helpers ----

  private liveCall(): CallRecord {
    const call = this.store.call();
    if (!call || call.status === "ended") throw new RoomError("not_found", "the call has ended");
    return call;
  }

  private requireHost(call: CallRecord, userId: string, frame: ClientFrame["type"]): void {
    if (userId !== call.hostId) throw new RoomError("forbidden", "only the host can do that", frame);
  }

  private broadcastRoster(): void {
    const call = this.store.call();
    if (!call) return;
    this.broadcast({
      type: "roster",
      call: viewOf(call),
      members: this.membership.members(call),
    } satisfies ServerFrame);
  }
}
