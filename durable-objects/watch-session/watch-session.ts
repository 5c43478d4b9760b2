import type { ErrorCode } from "../../lib/errors";
import { randomToken, sha256Hex } from "../../lib/ids";
import { TokenBucket } from "../../lib/realtime/limits";
import { closeSocketWith, RoomError, SocketRoom, type SocketState } from "../../lib/realtime/socket-room";
import { acceptUpgrade, offeredTicket, refuseUpgrade } from "../../lib/realtime/upgrade";
import { syncSessionIndex } from "../../workers/sessions/src/db/index-sync";
import { type ChatFrame, chatOutcome } from "./chat";
import { maxParticipantsFrom, WATCH_LIMITS } from "./limits";
import * as rules from "./playback";
import { changePlaylist, type QueueOp } from "./playlist";
import {
  type ChatMessage,
  CLOSE,
  ClientFrame,
  MAX_FRAME_BYTES,
  type Participant,
  type ServerFrame,
  type UnstampedFrame,
} from "./protocol";
import { participantsOf, requireControl, requireHost, roleOf } from "./roster";
import { RosterNews } from "./roster-news";
import type { EndResult, HistoryRequest, SessionInit, SessionSummary, TicketResult } from "./rpc";
import { type SessionRecord, viewOf, WatchStorage } from "./storage";

interface WatchSocket extends SocketState {
  handle: string;
  buffering: boolean;
}

/**
 * One watch party: its playback, participants, chat and playlist, with every participant's
 * WebSocket held through hibernation. All state is in SQLite and socket attachments, so the
 * object rebuilds itself after eviction; the only in-memory state (chat rate buckets) may be lost.
 */
export class WatchSession extends SocketRoom<SessionsEnv, ClientFrame, WatchSocket> {
  protected readonly frames = ClientFrame;
  protected readonly limits = { maxFrameBytes: MAX_FRAME_BYTES, idleTimeoutMs: WATCH_LIMITS.idleTimeoutMs };
  protected readonly closeCodes = CLOSE;
  private readonly store: WatchStorage;
  private readonly chatLimit = new TokenBucket(WATCH_LIMITS.chat.burst, WATCH_LIMITS.chat.perSecond);
  private readonly reactionLimit = new TokenBucket(
    WATCH_LIMITS.reactions.burst,
    WATCH_LIMITS.reactions.perSecond,
  );
  /** The last broadcast seq, loaded once per wake (see WatchStorage.lastSeq). */
  private seq: number | null = null;
  private readonly rosterNews: RosterNews;
  /** Distinct users admitted at once (the WATCH_MAX_PARTICIPANTS var). */
  private readonly maxParticipants: number;

  constructor(ctx: DurableObjectState, env: SessionsEnv) {
    super(ctx, env);
    // Parsed before anything else: a bad value fails every call into the room, loudly, from the first.
    this.maxParticipants = maxParticipantsFrom(env.WATCH_MAX_PARTICIPANTS);
    this.store = new WatchStorage(ctx.storage.sql);
    this.rosterNews = new RosterNews(ctx);
  }

  // ---- RPC from the sessions Worker ----

  async initialize(init: SessionInit): Promise<void> {
    this.store.createSession({ ...init, hostId: init.creatorId });
    if (!this.store.playback()) this.store.savePlayback(rules.initialPlayback(init.createdAt));
  }

  async summary(): Promise<SessionSummary | null> {
    const session = this.store.session();
    if (!session) return null;
    return {
      session: viewOf(session),
      status: session.status,
      playback: this.playbackState().playback,
      participantCount: this.participants(session).length,
    };
  }

  async issueTicket({ userId, handle }: { userId: string; handle: string }): Promise<TicketResult> {
    const session = this.store.session();
    if (!session || session.status === "ended")
      return { ok: false, code: "not_found", message: "no such session" };
    const refusal = this.admissionRefusal(session, userId);
    if (refusal) return { ok: false, code: "forbidden", message: refusal };
    const ticket = randomToken(24);
    this.store.saveTicket(await sha256Hex(ticket), userId, handle, Date.now() + WATCH_LIMITS.ticketTtlMs);
    return { ok: true, ticket, expiresIn: WATCH_LIMITS.ticketTtlMs / 1000 };
  }

  async history({ before, limit }: HistoryRequest): Promise<ChatMessage[] | null> {
    if (!this.store.session()) return null;
    return this.store.messages(limit, before);
  }

  /** Ends the session for everyone: every socket closes with CLOSE.ended. */
  async end({ userId }: { userId: string }): Promise<EndResult> {
    const session = this.store.session();
    if (!session || session.status === "ended")
      return { ok: false, code: "not_found", message: "no such session" };
    if (userId !== session.creatorId && userId !== session.hostId) {
      return { ok: false, code: "forbidden", message: "only the host can end the session" };
    }
    this.store.updateSession({ status: "ended" });
    for (const { ws } of this.sockets()) closeSocketWith(ws, CLOSE.ended);
    await this.ctx.storage.deleteAlarm();
    return { ok: true };
  }

  // ---- WebSocket upgrade ----

  override async fetch(request: Request): Promise<Response> {
    const refuse = (code: ErrorCode, message: string) => refuseUpgrade(request, code, message);
    const offer = offeredTicket(request);
    if (!offer.ok) return refuse(offer.code, offer.message);
    const { ticket } = offer;

    const session = this.store.session();
    if (!session || session.status === "ended") return refuse("not_found", "no such session");
    const now = Date.now();
    const holder = this.store.takeTicket(await sha256Hex(ticket), now);
    if (!holder) return refuse("unauthorized", "the ticket is unknown, used or expired");
    const refusal = this.admissionRefusal(session, holder.userId);
    if (refusal) return refuse("forbidden", refusal);

    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [holder.userId]);
    const state: WatchSocket = {
      userId: holder.userId,
      handle: holder.handle,
      joinedAt: now,
      lastSeen: now,
      buffering: false,
    };
    server.serializeAttachment(state);
    this.store.addMember(holder.userId, holder.handle, now);

    // The joiner's welcome lists everyone; the others hear of the join in the next presence frame.
    this.send(server, this.welcome(session, holder.userId, this.participants(session)));
    await this.rosterNews.changed(now);
    return acceptUpgrade(client);
  }

  /**
   * Why this user may not join now, or null. Runs twice per join (ticket, upgrade), so it reads the
   * user's own sockets (tagged with their id) and counts participants only when the sockets alone
   * could reach the cap.
   */
  private admissionRefusal(session: SessionRecord, userId: string): string | null {
    if (this.store.isKicked(userId)) return "you were removed from this session";
    if (this.connected(userId)) return null;
    if (session.locked && !this.store.isMember(userId)) return "the session is locked";
    const full =
      this.ctx.getWebSockets().length >= this.maxParticipants &&
      this.participants(session).length >= this.maxParticipants;
    return full ? `the session is full (${this.maxParticipants} participants)` : null;
  }

  // ---- Frames ----

  protected async onFrame(ws: WebSocket, frame: ClientFrame, state: WatchSocket): Promise<void> {
    const session = this.liveSession();
    const now = Date.now();
    switch (frame.type) {
      case "ping":
        this.send(ws, { type: "pong", t: frame.t, serverTime: now } satisfies ServerFrame);
        return;
      case "play":
      case "pause":
      case "seek":
      case "rate": {
        requireControl(session, this.store.cohosts(), state.userId, frame.type);
        const current = this.playbackState();
        const next =
          frame.type === "play"
            ? rules.play(current, now, this.anyoneBuffering())
            : frame.type === "pause"
              ? rules.pause(current, now)
              : frame.type === "seek"
                ? rules.seek(current, frame.position, now)
                : rules.changeRate(current, frame.rate, now);
        // A play while already playing (or held for buffering) changes nothing: nothing to send.
        if (next !== current) this.applyPlayback(next, state.userId);
        return;
      }
      case "chat":
        this.chat(ws, state, frame, now);
        return;
      case "react":
        if (!this.reactionLimit.take(state.userId, now))
          throw new RoomError("rate_limited", "too many reactions", "react");
        this.broadcast(this.stamped({ type: "reaction", userId: state.userId, emoji: frame.emoji, at: now }));
        return;
      case "buffering":
        state.buffering = frame.buffering;
        ws.serializeAttachment(state);
        this.reconcileBuffering(now);
        return;
      case "role":
        requireHost(session, state.userId, "role");
        if (frame.userId === session.hostId)
          throw new RoomError("conflict", "the host's role is host", "role");
        if (!this.store.isMember(frame.userId))
          throw new RoomError("not_found", "no such participant", "role");
        this.store.setRole(frame.userId, frame.role);
        this.broadcastPresence(session);
        return;
      case "kick":
        requireHost(session, state.userId, "kick");
        await this.kick(session, frame.userId, now);
        return;
      case "lock":
        requireHost(session, state.userId, "lock");
        this.store.updateSession({ locked: frame.locked });
        this.broadcastSession();
        return;
      case "controls":
        requireHost(session, state.userId, "controls");
        this.store.updateSession({ everyoneControls: frame.everyone });
        this.broadcastSession();
        return;
      case "queue":
        requireControl(session, this.store.cohosts(), state.userId, "queue");
        this.changeQueue(frame.op, state.userId, now);
        return;
    }
  }

  private chat(ws: WebSocket, state: WatchSocket, frame: ChatFrame, now: number): void {
    const outcome = chatOutcome(this.store, this.chatLimit, state, frame, now);
    if ("resent" in outcome) {
      this.send(ws, { type: "chat", ...outcome.resent } satisfies ServerFrame);
      return;
    }
    // Stored (with its seq) before anyone sees it: the sender's copy is its acknowledgement.
    const seq = this.takeSeq();
    this.store.addMessage(outcome.message, seq);
    this.broadcast({ type: "chat", message: outcome.message, seq } satisfies ServerFrame);
  }

  private async kick(session: SessionRecord, userId: string, now: number): Promise<void> {
    if (userId === session.hostId) throw new RoomError("conflict", "the host cannot be removed", "kick");
    // An heir host (the creator stepped out) must not lock the creator out of their own session.
    if (userId === session.creatorId)
      throw new RoomError("forbidden", "the session's creator cannot be removed", "kick");
    this.store.kick(userId, now);
    let wasBuffering = false;
    for (const ws of this.ctx.getWebSockets(userId)) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      wasBuffering ||= this.stateOf(ws)?.buffering === true;
      closeSocketWith(ws, CLOSE.kicked);
    }
    await this.afterDeparture(session, userId, wasBuffering);
  }

  private changeQueue(op: QueueOp, userId: string, now: number): void {
    const { items, playing } = changePlaylist(this.store.queue(), op, userId);
    this.store.saveQueue(items);
    if (playing) {
      this.store.updateSession({ mediaUrl: playing.mediaUrl });
      this.broadcastSession();
      this.applyPlayback(rules.restart(this.playbackState(), now, this.anyoneBuffering()), userId);
    }
    this.broadcast(this.stamped({ type: "queue", items }));
  }

  /** Holds playback while anyone buffers; starts everyone together when nobody does. */
  private reconcileBuffering(now: number): void {
    const current = this.playbackState();
    const next = this.anyoneBuffering() ? rules.hold(current, now) : rules.release(current, now);
    if (next === current) return;
    this.applyPlayback(next, "system", next.playback.playing ? "ready" : "buffering");
  }

  // ---- Departures ----

  protected async onLeave(_ws: WebSocket, state: WatchSocket): Promise<void> {
    const session = this.store.session();
    if (!session || session.status === "ended") return;
    await this.afterDeparture(session, state.userId, state.buffering);
  }

  /**
   * After sockets close: pass the host role on if the host is gone, re-check buffering if a
   * buffering socket left, and tell everyone (presence, from the alarm). Only the host's departure
   * reads the whole roster, so a room emptying out costs O(N), not O(N^2).
   */
  private async afterDeparture(session: SessionRecord, userId: string, wasBuffering: boolean): Promise<void> {
    if (userId === session.hostId && !this.connected(userId)) {
      const cohosts = this.store.cohosts();
      const present = this.participants(session);
      const heir = present.find((p) => cohosts.has(p.userId)) ?? present[0];
      if (heir) {
        this.store.updateSession({ hostId: heir.userId });
        this.store.setRole(heir.userId, "viewer");
        this.store.setRole(userId, "cohost");
        this.broadcastSession();
      }
    }
    if (wasBuffering) this.reconcileBuffering(Date.now());
    await this.rosterNews.changed(Date.now());
  }

  /** Whether this user has an open socket here (sockets are tagged with their user's id). */
  private connected(userId: string): boolean {
    return this.ctx.getWebSockets(userId).some((ws) => ws.readyState === WebSocket.OPEN);
  }

  // ---- Alarm: idle sweep, then roster news (presence and the sessions index) ----

  override async alarm(): Promise<void> {
    const now = Date.now();
    const session = this.store.session();
    if (!session || session.status === "ended") return;
    // Departures found here are told at once, below.
    await this.sweepIdle(now, CLOSE.timedOut);
    await this.rosterNews.atAlarm(now, () => this.tellRoster(session));
  }

  /** One presence frame for everyone, and the sessions index brought up to date. */
  private async tellRoster(session: SessionRecord): Promise<void> {
    const participants = this.participants(this.store.session() ?? session);
    this.broadcast(this.stamped({ type: "presence", participants }));
    const members = this.store.unsyncedMembers();
    await syncSessionIndex(this.env.DB, session.id, participants.length, members);
    this.store.markMembersSynced(members.map((m) => m.userId));
  }

  // ---- State helpers ----

  private liveSession(): SessionRecord {
    const session = this.store.session();
    if (!session || session.status === "ended") throw new RoomError("not_found", "the session has ended");
    return session;
  }

  private playbackState(): rules.PlaybackState {
    return this.store.playback() ?? rules.initialPlayback(Date.now());
  }

  private applyPlayback(next: rules.PlaybackState, by: string, reason?: "buffering" | "ready"): void {
    this.store.savePlayback(next);
    this.broadcast(
      this.stamped({ type: "playback", playback: next.playback, by, ...(reason && { reason }) }),
    );
  }

  private anyoneBuffering(): boolean {
    return this.sockets().some(({ state }) => state.buffering);
  }

  /** Who is here now (see roster.ts). */
  private participants(session: SessionRecord): Participant[] {
    return participantsOf(
      this.sockets().map(({ state }) => state),
      session.hostId,
      this.store.cohosts(),
    );
  }

  private welcome(session: SessionRecord, userId: string, participants: Participant[]): ServerFrame {
    return {
      type: "welcome",
      you: { userId, role: roleOf(session.hostId, this.store.cohosts(), userId) },
      session: viewOf(session),
      playback: this.playbackState().playback,
      participants,
      chat: this.store.messages(WATCH_LIMITS.welcomeChat).reverse(),
      queue: this.store.queue(),
      seq: this.currentSeq(),
      serverTime: Date.now(),
    };
  }

  private broadcastPresence(session: SessionRecord): void {
    this.broadcast(this.stamped({ type: "presence", participants: this.participants(session) }));
  }

  private broadcastSession(): void {
    const session = this.store.session();
    if (session) this.broadcast(this.stamped({ type: "session", session: viewOf(session) }));
  }

  private currentSeq(): number {
    if (this.seq === null) this.seq = this.store.lastSeq();
    return this.seq;
  }

  /** The next sequence number; the caller persists it (a chat row, or saveSeq). */
  private takeSeq(): number {
    this.seq = this.currentSeq() + 1;
    return this.seq;
  }

  /** A broadcast frame (other than chat) with the session's next sequence number, persisted. */
  private stamped(frame: UnstampedFrame): ServerFrame {
    const seq = this.takeSeq();
    this.store.saveSeq(seq);
    return { ...frame, seq } as ServerFrame;
  }
}
