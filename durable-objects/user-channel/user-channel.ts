import type { ErrorCode } from "../../lib/errors";
import type { LiveEvent, PublishResult } from "../../lib/events/live";
import { randomToken, sha256Hex } from "../../lib/ids";
import { describeError, log } from "../../lib/logging";
import { closeSocketWith, SocketRoom, type SocketState } from "../../lib/realtime/socket-room";
import { acceptUpgrade, offeredTicket, refuseUpgrade } from "../../lib/realtime/upgrade";
import { notificationsDb } from "../../workers/notifications/src/db/client";
import { markOffline, markOnline } from "../../workers/notifications/src/db/presence";
import { sendDigest } from "../../workers/notifications/src/digest";
import { CHANNEL_LIMITS } from "./limits";
import { CLOSE, ClientFrame, MAX_FRAME_BYTES, type ServerFrame } from "./protocol";
import { ChannelStorage } from "./storage";

/** A ticket names its user (to find the channel) and carries a secret (stored here only hashed). */
export function ticketOwner(ticket: string): string | null {
  const dot = ticket.indexOf(".");
  return dot > 0 ? ticket.slice(0, dot) : null;
}

/**
 * One signed-in user's live channel: every socket they have open (one per device), over which
 * services push that user's events. Hibernates between events; an alarm closes silent sockets and
 * sends the message-while-offline digest when it is due.
 */
export class UserChannel extends SocketRoom<NotificationsEnv, ClientFrame, SocketState> {
  protected readonly frames = ClientFrame;
  protected readonly limits = { maxFrameBytes: MAX_FRAME_BYTES, idleTimeoutMs: CHANNEL_LIMITS.idleTimeoutMs };
  protected readonly closeCodes = CLOSE;
  private readonly store: ChannelStorage;

  constructor(ctx: DurableObjectState, env: NotificationsEnv) {
    super(ctx, env);
    this.store = new ChannelStorage(ctx.storage.sql);
  }

  // ---- RPC from the notifications Worker ----

  /** A single-use ticket (valid 30 s) for this user to open a socket. */
  async issueTicket(userId: string): Promise<{ ticket: string; expiresIn: number }> {
    this.store.setOwner(userId);
    const now = Date.now();
    const ticket = `${userId}.${randomToken(24)}`;
    this.store.saveTicket(await sha256Hex(ticket), now + CHANNEL_LIMITS.ticketTtlMs, now);
    return { ticket, expiresIn: CHANNEL_LIMITS.ticketTtlMs / 1000 };
  }

  /** Pushes one event to every open socket; 0 means the user is offline. */
  async publish(event: LiveEvent): Promise<PublishResult> {
    const text = JSON.stringify(event satisfies ServerFrame);
    let delivered = 0;
    for (const { ws } of this.sockets()) {
      try {
        ws.send(text);
        delivered += 1;
      } catch {
        // Closed meanwhile: not delivered.
      }
    }
    return { delivered };
  }

  /** How many sockets are open now. */
  async connected(): Promise<number> {
    return this.sockets().length;
  }

  /** Sends the digest of what arrived while offline at `dueAt`, or with the one already pending. */
  async scheduleDigest({ userId, dueAt }: { userId: string; dueAt: number }): Promise<number> {
    this.store.setOwner(userId);
    const at = this.store.scheduleDigest(dueAt);
    await this.scheduleAlarm(at);
    return at;
  }

  // ---- WebSocket upgrade ----

  override async fetch(request: Request): Promise<Response> {
    const refuse = (code: ErrorCode, message: string) => refuseUpgrade(request, code, message);
    const offer = offeredTicket(request);
    if (!offer.ok) return refuse(offer.code, offer.message);
    const userId = this.store.owner();
    const now = Date.now();
    if (!userId || !this.store.takeTicket(await sha256Hex(offer.ticket), now)) {
      return refuse("unauthorized", "the ticket is unknown, used or expired");
    }

    // Presence before the socket: notifications are pushed live only to users recorded online, and
    // a client loads its list once welcomed. A notification stored before the row is written is in
    // that list; one pushed after it either finds no socket yet (it was stored before the welcome,
    // so it is in the list too) or arrives after the welcome, which goes out with the accept in one
    // synchronous step.
    if (this.sockets().length === 0) await this.updatePresence(userId, true);
    this.makeRoom();
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [userId]);
    server.serializeAttachment({ userId, joinedAt: now, lastSeen: now } satisfies SocketState);
    this.send(server, {
      type: "welcome",
      userId,
      devices: this.sockets().length,
      serverTime: now,
    } satisfies ServerFrame);
    await this.scheduleAlarm(now + CHANNEL_LIMITS.sweepEveryMs);
    return acceptUpgrade(client);
  }

  /** Closes the oldest sockets so that a new one stays within maxDevices. */
  private makeRoom(): void {
    const open = this.sockets().sort((a, b) => a.state.joinedAt - b.state.joinedAt);
    for (const { ws } of open.slice(0, Math.max(0, open.length - CHANNEL_LIMITS.maxDevices + 1))) {
      closeSocketWith(ws, CLOSE.tooManyDevices);
    }
  }

  // ---- Frames ----

  protected onFrame(ws: WebSocket, frame: ClientFrame): void {
    switch (frame.type) {
      case "ping":
        this.send(ws, { type: "pong", t: frame.t, serverTime: Date.now() } satisfies ServerFrame);
        return;
    }
  }

  protected async onLeave(_ws: WebSocket, state: SocketState): Promise<void> {
    // Nothing to tell anyone (the channel has no audience but its owner), but the last socket
    // takes the user out of the presence index.
    if (this.sockets().length === 0) await this.updatePresence(state.userId, false);
  }

  /**
   * The presence index (online_users in D1): broadcasts to many users read it, and notifications
   * are pushed live only to users it has. A write that fails is logged and done again by the next
   * alarm (at most a sweep interval later), as it stands then.
   */
  private async updatePresence(userId: string, online: boolean): Promise<void> {
    try {
      const db = notificationsDb(this.env.DB);
      await (online ? markOnline(db, userId, Date.now()) : markOffline(db, userId));
      this.store.setPresenceStale(false);
    } catch (error) {
      this.store.setPresenceStale(true);
      log("warn", "presence not updated", { userId, online, ...describeError(error) });
    }
  }

  // ---- Alarm: idle sweep and the digest ----

  override async alarm(): Promise<void> {
    const now = Date.now();
    await this.sweepIdle(now, CLOSE.timedOut);
    const digest = this.store.digest();
    const owner = this.store.owner();
    // Also covers sockets that went without a close event reaching us, and a failed presence write.
    const online = this.sockets().length > 0;
    if (owner && (!online || this.store.presenceStale())) await this.updatePresence(owner, online);
    if (digest && owner && digest.dueAt <= now) await this.runDigest(owner, digest.attempts, now);
    const next = [
      this.store.digest()?.dueAt,
      this.sockets().length > 0 ? now + CHANNEL_LIMITS.sweepEveryMs : undefined,
    ].filter((at): at is number => at !== undefined);
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.min(...next));
  }

  private async runDigest(userId: string, attempts: number, now: number): Promise<void> {
    try {
      await sendDigest(this.env, userId, now);
      this.store.clearDigest();
    } catch (error) {
      const giveUp = attempts + 1 >= CHANNEL_LIMITS.digestAttempts;
      log(giveUp ? "error" : "warn", giveUp ? "digest abandoned" : "digest failed; will retry", {
        userId,
        attempts: attempts + 1,
        ...describeError(error),
      });
      if (giveUp) this.store.clearDigest();
      else this.store.retryDigest(now + CHANNEL_LIMITS.digestRetryMs);
    }
  }

  private async scheduleAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
