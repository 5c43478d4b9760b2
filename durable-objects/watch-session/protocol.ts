import { z } from "zod";
import type { ClosingFrame } from "../../lib/realtime/socket-room";
import { bodyText, lineText } from "../../lib/text";

/**
 * The watch-session wire protocol, `plaza.v1`: JSON text frames, one zod union each way.
 * docs/protocols/watch-session.md describes it for client authors.
 */

export { SUBPROTOCOL } from "../../lib/realtime/upgrade";

/** Close codes the server uses (4000-4999 are ours). */
export const CLOSE = {
  frameTooLarge: { code: 1009, reason: "frame larger than 16 KiB" },
  ended: { code: 4000, reason: "the session has ended" },
  kicked: { code: 4003, reason: "removed from the session by the host" },
  timedOut: { code: 4008, reason: "no sign of life for too long" },
  replaced: { code: 4009, reason: "this user connected again elsewhere" },
} as const;

export const MAX_FRAME_BYTES = 16 * 1024;

export const Role = z.enum(["host", "cohost", "viewer"]);
export type Role = z.infer<typeof Role>;

const UserId = z.string().min(1).max(64);
const QueueItemId = z.string().min(1).max(64);
export const MediaUrl = z
  .string()
  .max(2048)
  .refine(
    (value) =>
      /^https?:\/\/[^\s]+$/i.test(value) || /^\/v1\/media\/[A-Za-z0-9_-]{1,64}(\/content)?$/.test(value),
    {
      message: "an http(s) URL or a Plaza media path (/v1/media/<id>)",
    },
  );

/** Media position in seconds at server time `at` (ms since the epoch); see positionAt(). */
export const Playback = z.object({
  playing: z.boolean(),
  position: z.number().min(0),
  rate: z.number().min(0.25).max(4),
  at: z.number().int(),
});
export type Playback = z.infer<typeof Playback>;

export const ClientFrame = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("play") }),
  z.strictObject({ type: z.literal("pause") }),
  z.strictObject({ type: z.literal("seek"), position: z.number().min(0).max(1e7) }),
  z.strictObject({ type: z.literal("rate"), rate: z.number().min(0.25).max(4) }),
  z.strictObject({
    type: z.literal("chat"),
    text: bodyText(2000),
    nonce: z.string().min(1).max(64).optional(),
  }),
  z.strictObject({ type: z.literal("react"), emoji: z.string().min(1).max(16) }),
  z.strictObject({ type: z.literal("buffering"), buffering: z.boolean() }),
  z.strictObject({ type: z.literal("ping"), t: z.number() }),
  z.strictObject({ type: z.literal("role"), userId: UserId, role: z.enum(["cohost", "viewer"]) }),
  z.strictObject({ type: z.literal("kick"), userId: UserId }),
  z.strictObject({ type: z.literal("lock"), locked: z.boolean() }),
  z.strictObject({ type: z.literal("controls"), everyone: z.boolean() }),
  z.strictObject({
    type: z.literal("queue"),
    op: z.discriminatedUnion("op", [
      z.strictObject({
        op: z.literal("add"),
        mediaUrl: MediaUrl,
        title: lineText(120).optional(),
      }),
      z.strictObject({ op: z.literal("remove"), id: QueueItemId }),
      z.strictObject({ op: z.literal("move"), id: QueueItemId, to: z.number().int().min(0) }),
      z.strictObject({ op: z.literal("next") }),
    ]),
  }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame["type"];

export interface Participant {
  userId: string;
  handle: string;
  role: Role;
}

export interface ChatMessage {
  id: string;
  userId: string;
  handle: string;
  text: string;
  at: number;
  nonce?: string;
}

export interface QueueItem {
  id: string;
  mediaUrl: string;
  title: string | null;
  addedBy: string;
}

export interface SessionView {
  id: string;
  title: string;
  hostId: string;
  mediaUrl: string;
  visibility: "private" | "public";
  locked: boolean;
  everyoneControls: boolean;
}

export type ErrorCode = "bad_frame" | "forbidden" | "rate_limited" | "not_found" | "conflict";

/** Broadcasts carry `seq`, one counter per session, so a client can tell it missed something. */
export type ServerFrame =
  | {
      type: "welcome";
      you: { userId: string; role: Role };
      session: SessionView;
      playback: Playback;
      participants: Participant[];
      chat: ChatMessage[];
      queue: QueueItem[];
      seq: number;
      serverTime: number;
    }
  | { type: "playback"; playback: Playback; by: string; reason?: "buffering" | "ready"; seq: number }
  | { type: "chat"; message: ChatMessage; seq: number }
  | { type: "reaction"; userId: string; emoji: string; at: number; seq: number }
  | { type: "presence"; participants: Participant[]; seq: number }
  | { type: "queue"; items: QueueItem[]; seq: number }
  | { type: "session"; session: SessionView; seq: number }
  | { type: "pong"; t: number; serverTime: number }
  | { type: "error"; code: ErrorCode; message: string; for?: ClientFrameType }
  /** The last frame before the server closes the socket, with the close's code and reason. */
  | ClosingFrame;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A broadcast frame before the room gives it its sequence number. */
export type UnstampedFrame = DistributiveOmit<
  Exclude<Extract<ServerFrame, { seq: number }>, { type: "welcome" }>,
  "seq"
>;

/** The media position in seconds at time `now` (ms), as every client computes it. */
export function positionAt(playback: Playback, now: number): number {
  if (!playback.playing || now <= playback.at) return playback.position;
  return playback.position + ((now - playback.at) / 1000) * playback.rate;
}
