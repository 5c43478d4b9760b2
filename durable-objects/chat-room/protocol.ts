import { z } from "zod";
import type { ClosingFrame } from "../../lib/realtime/socket-room";
import { bodyText } from "../../lib/text";

/**
 * The chat-room wire protocol, `plaza.v1`: JSON text frames, one zod union each way.
 * docs/protocols/chat-room.md describes it for client authors.
 */

export { SUBPROTOCOL } from "../../lib/realtime/upgrade";

/** Close codes the server uses (4000-4999 are ours). */
export const CLOSE = {
  frameTooLarge: { code: 1009, reason: "frame larger than 16 KiB" },
  removed: { code: 4003, reason: "no longer a member of this conversation" },
  timedOut: { code: 4008, reason: "no sign of life for too long" },
} as const;

export const MAX_FRAME_BYTES = 16 * 1024;

const MessageId = z.string().regex(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/, "a message id");
const MessageText = bodyText(4000);
const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ClientFrame = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("send"), text: MessageText, nonce: z.string().min(1).max(64) }),
  z.strictObject({ type: z.literal("edit"), id: MessageId, text: MessageText }),
  z.strictObject({ type: z.literal("delete"), id: MessageId }),
  z.strictObject({ type: z.literal("typing") }),
  z.strictObject({ type: z.literal("read"), upTo: Seq }),
  z.strictObject({ type: z.literal("resume"), afterSeq: Seq }),
  z.strictObject({ type: z.literal("ping"), t: z.number() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame["type"];

/** A stored message as clients see it. A deleted one keeps its place (id, seq) but not its text. */
export interface ChatMessage {
  id: string;
  senderId: string;
  text: string;
  createdAt: number;
  seq: number;
  editedAt?: number;
  deleted?: true;
}

export interface Member {
  userId: string;
  handle: string;
  /** The last seq this member has read (their `read` frames). */
  readSeq: number;
}

export interface ConversationView {
  id: string;
  kind: "direct" | "group";
  title: string | null;
  creatorId: string;
}

export type ErrorCode = "bad_frame" | "forbidden" | "rate_limited" | "not_found" | "internal";

/**
 * Server frames. Durable broadcasts (message, edited, deleted, read, members) each take the next
 * `seq` of the room and are replayed by `resume`; ephemeral ones (typing) carry the current seq
 * without taking one, so a gap in seq always means a missed durable frame.
 */
export type ServerFrame =
  | {
      type: "welcome";
      you: { userId: string; readSeq: number };
      conversation: ConversationView;
      members: Member[];
      seq: number;
      serverTime: number;
    }
  | { type: "ack"; nonce: string; id: string; seq: number }
  | { type: "message"; message: ChatMessage; seq: number }
  | { type: "edited"; id: string; text: string; editedAt: number; seq: number }
  | { type: "deleted"; id: string; seq: number }
  | { type: "read"; userId: string; upTo: number; seq: number }
  | { type: "members"; members: Member[]; seq: number }
  | { type: "typing"; userId: string; seq: number }
  | { type: "resumed"; afterSeq: number; seq: number; complete: boolean }
  | { type: "pong"; t: number; serverTime: number }
  | { type: "error"; code: ErrorCode; message: string; for?: ClientFrameType }
  /** The last frame before the server closes the socket, with the close's code and reason. */
  | ClosingFrame;

export type DurableFrame = Extract<
  ServerFrame,
  { type: "message" | "edited" | "deleted" | "read" | "members" }
>;
