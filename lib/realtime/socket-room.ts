import { DurableObject } from "cloudflare:workers";
import type { z } from "zod";
import { describeError, log } from "../logging";
import { illFormedTextPaths, LONE_SURROGATE } from "../unicode";

/** What every socket of a room carries across hibernation (its WebSocket attachment). */
export interface SocketState {
  userId: string;
  joinedAt: number;
  /** Last frame from this socket (auto-answered "ping"s are read from the runtime instead). */
  lastSeen: number;
}

export interface RoomLimits {
  /** Frames over this many bytes close the socket with 1009. */
  maxFrameBytes: number;
  /** A socket silent for this long (no frame, no auto-answered "ping") is closed by the alarm. */
  idleTimeoutMs: number;
}

/** How stale a socket's recorded lastSeen may get before a frame refreshes it. */
const LAST_SEEN_RESOLUTION_MS = 5_000;

export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
}

/** The last frame before the server closes a socket: the close's own code and reason. */
export interface ClosingFrame {
  type: "closing";
  code: number;
  reason: string;
}

/**
 * Closes a socket from the server's side, telling its client why in a last frame first
 * (`closing`, with the close's code and reason). workerd sends the Close frame at once but keeps the
 * connection of a hibernatable socket closed outside its own events (a kick, an end, the alarm) until
 * the object hibernates, about 10 s later, and clients fire their close event only when the
 * connection ends (docs/decisions.md, 23): the frame lets them act at once. A socket already
 * closed is left as it is.
 */
export function closeSocketWith(ws: WebSocket, close: { code: number; reason: string }): void {
  const frame: ClosingFrame = { type: "closing", code: close.code, reason: close.reason };
  for (const step of [() => ws.send(JSON.stringify(frame)), () => ws.close(close.code, close.reason)]) {
    try {
      step();
    } catch {
      // Closing or closed already: its close handler does the rest.
    }
  }
}

/**
 * A Durable Object that holds WebSockets with the hibernation API, in the manner of partyserver:
 * it owns the runtime's handlers, wraps each one so that no frame can crash the object, answers
 * a plain "ping" with "pong" without waking it, parses and validates every frame against one zod
 * union, and answers anything else with an error frame. Subclasses implement the room.
 */
export abstract class SocketRoom<
  Env,
  Frame extends { type: string },
  State extends SocketState,
> extends DurableObject<Env> {
  protected abstract readonly frames: z.ZodType<Frame>;
  protected abstract readonly limits: RoomLimits;
  protected abstract readonly closeCodes: { frameTooLarge: { code: number; reason: string } };

  /** One valid frame from a socket. Throwing a RoomError answers the sender with an error frame. */
  protected abstract onFrame(ws: WebSocket, frame: Frame, state: State): Promise<void> | void;
  /** A socket has gone (closed, errored, or closed by the idle sweep). */
  protected abstract onLeave(ws: WebSocket, state: State): Promise<void> | void;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = this.stateOf(ws);
    if (!state) return;
    try {
      if (typeof message !== "string") {
        this.send(ws, errorFrame("bad_frame", "frames are JSON text"));
        return;
      }
      if (message.length > this.limits.maxFrameBytes / 3 && byteLength(message) > this.limits.maxFrameBytes) {
        closeSocketWith(ws, this.closeCodes.frameTooLarge);
        await this.onLeave(ws, state);
        return;
      }
      // Liveness needs seconds, not milliseconds: rewrite the attachment only when it is stale.
      const now = Date.now();
      if (now - state.lastSeen > LAST_SEEN_RESOLUTION_MS) {
        state.lastSeen = now;
        ws.serializeAttachment(state);
      }
      const frame = this.parse(message);
      if ("error" in frame) {
        this.send(ws, frame.error);
        return;
      }
      await this.onFrame(ws, frame.value, state);
    } catch (error) {
      if (error instanceof RoomError) {
        this.send(ws, {
          ...errorFrame(error.code, error.message),
          ...(error.frameType && { for: error.frameType }),
        });
        return;
      }
      log("error", "room frame failed", {
        room: this.constructor.name,
        userId: state.userId,
        ...describeError(error),
      });
      this.send(ws, errorFrame("internal", "the server could not handle that frame"));
    }
  }

  /**
   * The client closed: the room lets it go, then answers its Close frame. Under the Hibernation API
   * the runtime does not answer it on any compatibility date, and a client left unanswered waits in
   * CLOSING until its own timeout and reports 1006. A close() on a socket already closed does nothing.
   */
  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      await this.leave(ws, "close", code);
    } finally {
      try {
        ws.close(echoableCloseCode(code), reason);
      } catch {
        // The socket is gone already: nothing to answer.
      }
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    await this.leave(ws, "error", 1011, error);
  }

  private async leave(ws: WebSocket, why: string, code: number, error?: unknown): Promise<void> {
    const state = this.stateOf(ws);
    if (!state) return;
    try {
      await this.onLeave(ws, state);
    } catch (failure) {
      log("error", "room leave failed", {
        room: this.constructor.name,
        why,
        code,
        ...describeError(failure),
      });
    }
    if (error !== undefined)
      log("warn", "socket error", { room: this.constructor.name, ...describeError(error) });
  }

  private parse(message: string): { value: Frame } | { error: ErrorFrame } {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return { error: errorFrame("bad_frame", "not JSON") };
    }
    const result = this.frames.safeParse(json);
    if (result.success) {
      const [illFormed] = illFormedTextPaths(result.data, 1);
      if (!illFormed) return { value: result.data };
      const where = illFormed.length > 0 ? ` at ${illFormed.join(".")}` : "";
      return { error: errorFrame("bad_frame", `${LONE_SURROGATE}${where}`) };
    }
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    return { error: errorFrame("bad_frame", `${issue?.message ?? "invalid frame"}${where}`) };
  }

  protected stateOf(ws: WebSocket): State | null {
    return (ws.deserializeAttachment() as State | null) ?? null;
  }

  /** Live sockets with their state (those closing are left out). */
  protected sockets(): { ws: WebSocket; state: State }[] {
    const open: { ws: WebSocket; state: State }[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const state = this.stateOf(ws);
      if (state && ws.readyState === WebSocket.OPEN) open.push({ ws, state });
    }
    return open;
  }

  protected send(ws: WebSocket, frame: object): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed meanwhile; its close handler does the rest.
    }
  }

  /** Sends one frame to every open socket, serialized once (attachments are not read: hot path). */
  protected broadcast(frame: object, except?: WebSocket): void {
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || ws.readyState !== WebSocket.OPEN) continue;
      try {
        ws.send(text);
      } catch {
        // as above
      }
    }
  }

  /** The last time a socket showed life: a frame, or a "ping" the runtime answered for us. */
  protected lastSignOfLife(ws: WebSocket, state: State): number {
    const auto = this.ctx.getWebSocketAutoResponseTimestamp(ws);
    return Math.max(state.lastSeen, auto ? auto.getTime() : 0);
  }

  /** Closes sockets silent for longer than the idle timeout; returns how many it closed. */
  protected async sweepIdle(now: number, close: { code: number; reason: string }): Promise<number> {
    let closed = 0;
    for (const { ws, state } of this.sockets()) {
      if (now - this.lastSignOfLife(ws, state) <= this.limits.idleTimeoutMs) continue;
      closeSocketWith(ws, close);
      await this.onLeave(ws, state);
      closed += 1;
    }
    return closed;
  }
}

/** A refusal to send back on the socket as an error frame (bad permissions, limits...). */
export class RoomError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly frameType?: string,
  ) {
    super(message);
  }
}

export function errorFrame(code: string, message: string): ErrorFrame {
  return { type: "error", code, message };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * The code to answer a client's Close frame with: its own when a server may send it (1000, or an
 * application's 3000-4999); otherwise 1000. 1005, 1006 and 1015 describe a close, they are never
 * sent, and close() refuses them.
 */
function echoableCloseCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}
