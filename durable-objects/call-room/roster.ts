import { closeSocketWith, type SocketState } from "../../lib/realtime/socket-room";
import type { MediaState, Member, Publication, ServerFrame } from "./protocol";

export type LeaveReason = Extract<ServerFrame, { type: "left" }>["reason"];

/** What each member's socket carries across hibernation (its attachment). */
export interface CallSocket extends SocketState {
  handle: string;
  media: MediaState;
  hand: boolean;
  /** Set once this socket's departure has been handled, so a later close event is ignored. */
  departed?: LeaveReason;
}

export const NO_MEDIA: MediaState = { audio: false, video: false, screen: false };

/** The members, one entry per user (their newest socket), in joining order, with their SFU tracks. */
export function membersOf(
  sockets: Iterable<CallSocket>,
  hostId: string,
  publications: Map<string, Publication>,
): Member[] {
  const byUser = new Map<string, CallSocket>();
  for (const state of sockets) {
    const seen = byUser.get(state.userId);
    if (!seen || state.joinedAt > seen.joinedAt) byUser.set(state.userId, state);
  }
  return [...byUser.values()]
    .sort((a, b) => a.joinedAt - b.joinedAt)
    .map((state) => ({
      userId: state.userId,
      handle: state.handle,
      role: state.userId === hostId ? "host" : "member",
      media: state.media,
      hand: state.hand,
      joinedAt: state.joinedAt,
      sfu: publications.get(state.userId) ?? null,
    }));
}

/** Records that this socket's departure is handled, so its later close event is ignored. */
export function markDeparted(ws: WebSocket, state: CallSocket, reason: LeaveReason): void {
  state.departed = reason;
  try {
    ws.serializeAttachment(state);
  } catch {
    // a socket that is gone keeps no attachment; nothing will read it again
  }
}

/** Closes one socket for a reason of ours; its later close event is then ignored. */
export function closeSocket(
  ws: WebSocket,
  state: CallSocket,
  reason: LeaveReason,
  close: { code: number; reason: string },
): void {
  markDeparted(ws, state, reason);
  closeSocketWith(ws, close);
}
