import type { ErrorCode } from "../../lib/errors";
import { newId, randomToken, sha256Hex } from "../../lib/ids";
import { describeError, log } from "../../lib/logging";
import { TokenBucket } from "../../lib/realtime/limits";
import { closeSocketWith, RoomError, SocketRoom, type SocketState } from "../../lib/realtime/socket-room";
import { acceptUpgrade, offeredTicket, refuseUpgrade } from "../../lib/realtime/upgrade";
import { syncConversationIndex } from "../../workers/messaging/src/db/index-sync";
import { ConversationState, refused, viewOf } from "./conversation-state";
import { offlineDelivery } from "./delivery";
import { CHAT_LIMITS } from "./limits";
import { CLOSE, ClientFrame, type DurableFrame, MAX_FRAME_BYTES, type ServerFrame } from "./protocol";
import type {
  ConversationInit,
  HistoryRequest,
  HistoryResult,
  LeaveResult,
  MembersResult,
  NewMember,
  TicketResult,
  ViewResult,
} from "./rpc";
import { ChatStorage, publicMessage, type StoredMessage } from "./storage";

type ChatSocket = SocketState;

/**
 * One conversation: its members, its messages (in SQLite, each with the room's seq) and every
 * member's WebSockets, held through hibernation. Everything that matters is in SQLite and socket
 * attachments; what is kept in memory (the seq, members, who is connected, rate buckets) is a
 * cache rebuilt after an eviction.
 */
export class ChatRoom extends SocketRoom<MessagingEnv, ClientFrame, ChatSocket> {
  protected readonly frames = ClientFrame;
  protected readonly limits = { maxFrameBytes: MAX_FRAME_BYTES, idleTimeoutMs: CHAT_LIMITS.idleTimeoutMs };
  protected readonly closeCodes = CLOSE;
  protected readonly store: ChatStorage;
  protected sendLimit = new TokenBucket(CHAT_LIMITS.send.burst, CHAT_LIMITS.send.perSecond);
  protected updateLimit = new TokenBucket(CHAT_LIMITS.updates.burst, CHAT_LIMITS.updates.perSecond);
  protected typingLimit = new TokenBucket(CHAT_LIMITS.typing.burst, CHAT_LIMITS.typing.perSecond);
  /** The conversation, its members and its seq, cached over the store. */
  private readonly chat: ConversationState;
  /** Users with an open socket here; dropped whenever a socket joins or leaves. */
  private cachedConnected: Set<string> | null = null;
  /** An index sync is already due (set once per wake, so a message costs no alarm lookup). */
  private syncDue = false;
  /** Index syncs or publishes that failed in a row (for the retry's backoff). */
  private syncFailures = 0;

  constructor(ctx: DurableObjectState, env: MessagingEnv) {
    super(ctx, env);
    this.store = new ChatStorage(ctx.storage.sql);
    this.chat = new ConversationState(this.store);
  }

  // ---- RPC from the messaging Worker ----

  /**
   * Creates the room, or (when it exists) adds back any of these members who left: creating a
   * direct conversation again returns the same one, with both people in it.
   */
  async initialize(init: ConversationInit): Promise<void> {
    const existed = this.chat.conversation() !== null;
    this.store.createConversation({
      id: init.id,
      kind: init.kind,
      title: init.title,
      creatorId: init.creatorId,
      createdAt: init.createdAt,
    });
    this.chat.conversationChanged();
    const added = this.store.addMembers(init.members, Date.now(), this.chat.currentSeq());
    this.chat.membersChanged();
    if (existed && added.length > 0) await this.membershipChanged();
  }

  async view({ userId }: { userId: string }): Promise<ViewResult> {
    const refusal = this.chat.memberRefusal(userId);
    if (refusal) return refusal;
    return { ok: true, ...this.chat.roomView(userId) };
  }

  async issueTicket({ userId }: { userId: string }): Promise<TicketResult> {
    const refusal = this.chat.memberRefusal(userId);
    if (refusal) return refusal;
    const ticket = randomToken(24);
    this.store.saveTicket(await sha256Hex(ticket), userId, Date.now() + CHAT_LIMITS.ticketTtlMs);
    return { ok: true, ticket, expiresIn: CHAT_LIMITS.ticketTtlMs / 1000 };
  }

  async history({ userId, beforeSeq, limit }: HistoryRequest): Promise<HistoryResult> {
    const refusal = this.chat.memberRefusal(userId);
    if (refusal) return refusal;
    return { ok: true, messages: this.store.history(limit, beforeSeq) };
  }

  /** A member adds people to a group (up to CHAT_LIMITS.maxMembers in all). */
  async addMembers({ by, members }: { by: string; members: NewMember[] }): Promise<MembersResult> {
    const refusal = this.chat.memberRefusal(by);
    if (refusal) return refusal;
    const conversation = this.chat.requireConversation();
    if (conversation.kind === "direct") {
      return refused("conflict", "a direct conversation has two members; start a group instead");
    }
    const present = this.chat.members();
    const newcomers = members.filter((m) => !present.has(m.userId));
    if (present.size + newcomers.length > CHAT_LIMITS.maxMembers) {
      return refused("conflict", `a conversation has at most ${CHAT_LIMITS.maxMembers} members`);
    }
    const added = this.store.addMembers(newcomers, Date.now(), this.chat.currentSeq());
    this.chat.membersChanged();
    if (added.length > 0) await this.membershipChanged();
    return { ok: true, added, ...this.chat.roomView(by) };
  }

  /** A member leaves, or the creator of a group removes someone: their sockets close at once. */
  async removeMember({ by, userId }: { by: string; userId: string }): Promise<LeaveResult> {
    const refusal = this.chat.memberRefusal(by);
    if (refusal) return refusal;
    const conversation = this.chat.requireConversation();
    if (by !== userId && by !== conversation.creatorId) {
      return refused("forbidden", "only the creator can remove others");
    }
    if (!this.store.removeMember(userId)) return refused("not_found", "no such member");
    this.chat.membersChanged();
    for (const ws of this.ctx.getWebSockets(userId)) closeSocketWith(ws, CLOSE.removed);
    this.cachedConnected = null;
    await this.membershipChanged();
    return { ok: true };
  }

  // ---- WebSocket upgrade ----

  override async fetch(request: Request): Promise<Response> {
    const refuse = (code: ErrorCode, message: string) => refuseUpgrade(request, code, message);
    const offer = offeredTicket(request);
    if (!offer.ok) return refuse(offer.code, offer.message);
    const { ticket } = offer;

    const conversation = this.chat.conversation();
    if (!conversation) return refuse("not_found", "no such conversation");
    const now = Date.now();
    const userId = this.store.takeTicket(await sha256Hex(ticket), now);
    if (!userId) return refuse("unauthorized", "the ticket is unknown, used or expired");
    const member = this.chat.members().get(userId);
    if (!member) return refuse("forbidden", "you are not a member of this conversation");
    if (this.ctx.getWebSockets(userId).length >= CHAT_LIMITS.maxSocketsPerUser) {
      return refuse("rate_limited", "too many connections to this conversation");
    }

    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [userId]);
    server.serializeAttachment({ userId, joinedAt: now, lastSeen: now } satisfies ChatSocket);
    this.cachedConnected = null;
    this.send(server, {
      type: "welcome",
      you: { userId, readSeq: member.readSeq },
      conversation: viewOf(conversation),
      members: [...this.chat.members().values()],
      seq: this.chat.currentSeq(),
      serverTime: now,
    } satisfies ServerFrame);
    await this.scheduleAlarm(now + CHAT_LIMITS.sweepEveryMs);
    return acceptUpgrade(client);
  }

  // ---- Frames ----

  protected async onFrame(ws: WebSocket, frame: ClientFrame, state: ChatSocket): Promise<void> {
    const member = this.chat.members().get(state.userId);
    if (!member) {
      // Removed meanwhile (its sockets are being closed): nothing more from it.
      closeSocketWith(ws, CLOSE.removed);
      return;
    }
    const now = Date.now();
    switch (frame.type) {
      case "ping":
        this.send(ws, { type: "pong", t: frame.t, serverTime: now } satisfies ServerFrame);
        return;
      case "send":
        await this.sendMessage(ws, state.userId, frame.text, frame.nonce, now);
        return;
      case "edit": {
        this.takeUpdate(state.userId, now, "edit");
        const message = this.chat.ownMessage(frame.id, state.userId, "edit");
        this.store.editMessage(message.id, frame.text, now);
        this.durable({
          type: "edited",
          id: message.id,
          text: frame.text,
          editedAt: now,
          seq: this.chat.takeSeq(),
        });
        await this.indexChanged(now);
        return;
      }
      case "delete": {
        this.takeUpdate(state.userId, now, "delete");
        const message = this.chat.ownMessage(frame.id, state.userId, "delete");
        this.store.deleteMessage(message.id);
        this.durable({ type: "deleted", id: message.id, seq: this.chat.takeSeq() });
        await this.indexChanged(now);
        return;
      }
      case "read": {
        const current = this.chat.currentSeq();
        if (frame.upTo > current) {
          throw new RoomError("bad_frame", `upTo is past the room's last seq (${current})`, "read");
        }
        if (frame.upTo <= member.readSeq) return;
        this.takeUpdate(state.userId, now, "read");
        this.store.setReadSeq(state.userId, frame.upTo);
        member.readSeq = frame.upTo;
        this.durable({ type: "read", userId: state.userId, upTo: frame.upTo, seq: this.chat.takeSeq() });
        await this.indexChanged(now);
        return;
      }
      case "typing":
        if (!this.typingLimit.take(state.userId, now)) {
          throw new RoomError("rate_limited", "typing is sent at most every 2 s", "typing");
        }
        this.broadcast(
          { type: "typing", userId: state.userId, seq: this.chat.currentSeq() } satisfies ServerFrame,
          ws,
        );
        return;
      case "resume":
        this.resume(ws, frame.afterSeq);
        return;
    }
  }

  /**
   * Stores the message (its seq with it), then acknowledges it to the sender and broadcasts it to
   * every other socket. Members who are not here are reached through their live channel now and
   * by a message.sent event from the next index sync.
   */
  private async sendMessage(ws: WebSocket, senderId: string, text: string, nonce: string, now: number) {
    if (!this.sendLimit.take(senderId, now)) {
      throw new RoomError("rate_limited", "you are sending messages too fast", "send");
    }
    const seq = this.chat.currentSeq() + 1;
    const candidate: StoredMessage = { id: newId("msg"), senderId, text, createdAt: now, seq, nonce };
    const { message, created } = this.store.addMessage(candidate);
    if (!created) {
      // A retried send: the first one was stored; acknowledge that one again.
      this.send(ws, { type: "ack", nonce, id: message.id, seq: message.seq } satisfies ServerFrame);
      return;
    }
    this.chat.messageStored(seq);
    this.send(ws, { type: "ack", nonce, id: message.id, seq } satisfies ServerFrame);
    this.broadcast({ type: "message", message: publicMessage(message), seq } satisfies ServerFrame, ws);

    const away = this.chat.awayMembers(senderId, this.connectedUsers());
    if (away.length > 0) {
      const conversationId = this.chat.requireConversation().id;
      this.ctx.waitUntil(offlineDelivery.live(this.env.NOTIFICATIONS, conversationId, message, away));
    }
    await this.indexChanged(now);
  }

  /** Replays durable frames after `afterSeq` (at most maxReplay), then says where it stopped. */
  private resume(ws: WebSocket, afterSeq: number): void {
    const current = this.chat.currentSeq();
    if (afterSeq > current) {
      throw new RoomError("bad_frame", `afterSeq is past the room's last seq (${current})`, "resume");
    }
    const frames = this.store.framesAfter(afterSeq, CHAT_LIMITS.maxReplay);
    for (const frame of frames) this.send(ws, frame);
    const last = frames.at(-1)?.seq ?? current;
    this.send(ws, {
      type: "resumed",
      afterSeq,
      seq: last,
      complete: frames.length < CHAT_LIMITS.maxReplay || last >= current,
    } satisfies ServerFrame);
  }

  // ---- Departures and the alarm ----

  protected onLeave(): void {
    this.cachedConnected = null;
  }

  /** Closes idle sockets, brings the conversations index up to date and tells offline members. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.syncDue = false;
    const conversation = this.chat.conversation();
    if (!conversation) return;
    await this.sweepIdle(now, CLOSE.timedOut);
    const seq = this.chat.currentSeq();
    const synced = this.store.syncedSeq();
    if (seq > synced) {
      try {
        await this.syncAndPublish(conversation, synced, seq);
        this.store.saveSyncedSeq(seq);
        this.syncFailures = 0;
      } catch (error) {
        // synced_seq stays behind, so the next try sends the same events again, with the same ids
        // (consumers drop copies). The room schedules that try itself rather than throwing: the
        // runtime retries a failed alarm only a few times, and then nothing would until the next
        // message. The backoff count lives in memory: after an eviction it starts again at 2 s.
        this.syncFailures += 1;
        const { firstMs, maxMs } = CHAT_LIMITS.syncRetry;
        const delay = Math.min(maxMs, firstMs * 2 ** (this.syncFailures - 1));
        log("warn", "chat index sync or message.sent publish failed; retrying", {
          conversationId: conversation.id,
          behind: seq - synced,
          failures: this.syncFailures,
          retryInMs: delay,
          ...describeError(error),
        });
        await this.scheduleAlarm(now + delay);
      }
    }
    if (this.sockets().length > 0) await this.scheduleAlarm(now + CHAT_LIMITS.sweepEveryMs);
  }

  /** Brings the D1 index up to `seq` and publishes message.sent for the messages after `synced`. */
  private async syncAndPublish(conversation: { id: string; createdAt: number }, synced: number, seq: number) {
    await syncConversationIndex(this.env.DB, {
      conversationId: conversation.id,
      activityAt: this.store.lastMessage()?.createdAt ?? conversation.createdAt,
      lastMessage: this.store.lastMessage(),
      members: this.store.unreadCounts(),
    });
    const connected = this.connectedUsers();
    const events = this.store
      .messagesBetween(synced, seq)
      .map((message) => ({ message, recipients: this.chat.unreadAwayFrom(message, connected) }))
      .filter(({ recipients }) => recipients.length > 0)
      .map(({ message, recipients }) => offlineDelivery.event(conversation.id, message, recipients));
    await offlineDelivery.publish(this.env.NOTIFICATION_EVENTS, events);
  }

  private async indexChanged(now: number): Promise<void> {
    if (this.syncDue) return;
    await this.scheduleAlarm(now + CHAT_LIMITS.indexSyncDelayMs);
    this.syncDue = true;
  }

  private async scheduleAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  // ---- State helpers ----

  private connectedUsers(): Set<string> {
    if (!this.cachedConnected)
      this.cachedConnected = new Set(this.sockets().map(({ state }) => state.userId));
    return this.cachedConnected;
  }

  private takeUpdate(userId: string, now: number, frame: "edit" | "delete" | "read"): void {
    if (!this.updateLimit.take(userId, now))
      throw new RoomError("rate_limited", "too many changes at once", frame);
  }

  /** Tells everyone who is in the conversation now (a durable frame), and the index soon after. */
  private async membershipChanged(): Promise<void> {
    this.durable({ type: "members", members: [...this.chat.members().values()], seq: this.chat.takeSeq() });
    await this.indexChanged(Date.now());
  }

  /** Logs a durable frame (for resume) and sends it to every socket. */
  private durable(frame: DurableFrame): void {
    this.store.logFrame(frame);
    this.broadcast(frame);
  }
}
