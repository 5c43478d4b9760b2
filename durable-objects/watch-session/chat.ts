import { newId } from "../../lib/ids";
import type { TokenBucket } from "../../lib/realtime/limits";
import { RoomError } from "../../lib/realtime/socket-room";
import type { ChatMessage, ClientFrame } from "./protocol";
import type { WatchStorage } from "./storage";

export type ChatFrame = Extract<ClientFrame, { type: "chat" }>;

/**
 * What a chat frame becomes: a new message to store and broadcast, or, for a resend of one already
 * stored (same sender and nonce: the client did not see its copy), that copy, which goes back to the
 * sender alone as its acknowledgement, costs no rate and is not shown to anyone twice.
 */
export function chatOutcome(
  store: Pick<WatchStorage, "messageByNonce">,
  limit: TokenBucket,
  sender: { userId: string; handle: string },
  frame: ChatFrame,
  now: number,
): { resent: { message: ChatMessage; seq: number } } | { message: ChatMessage } {
  const resent = frame.nonce === undefined ? null : store.messageByNonce(sender.userId, frame.nonce);
  if (resent) return { resent };
  if (!limit.take(sender.userId, now))
    throw new RoomError("rate_limited", "you are sending messages too fast", "chat");
  const message: ChatMessage = {
    id: newId("msg"),
    userId: sender.userId,
    handle: sender.handle,
    text: frame.text,
    at: now,
  };
  if (frame.nonce !== undefined) message.nonce = frame.nonce;
  return { message };
}
