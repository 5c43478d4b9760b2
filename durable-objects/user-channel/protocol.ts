import { z } from "zod";
import type { LiveEvent } from "../../lib/events/live";
import type { ClosingFrame } from "../../lib/realtime/socket-room";

/**
 * The user-channel wire protocol, `plaza.v1`: JSON text frames. The server pushes the user's live
 * events (lib/events/live.ts) as they are; the client only keeps the socket alive.
 * docs/protocols/user-channel.md describes it for client authors.
 */

export { SUBPROTOCOL } from "../../lib/realtime/upgrade";

export const MAX_FRAME_BYTES = 16 * 1024;

/** Close codes the server uses (4000-4999 are ours). */
export const CLOSE = {
  frameTooLarge: { code: 1009, reason: "frame larger than 16 KiB" },
  timedOut: { code: 4008, reason: "no sign of life for too long" },
  tooManyDevices: { code: 4009, reason: "too many devices connected; this one was the oldest" },
} as const;

export const ClientFrame = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ping"), t: z.number() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  | { type: "welcome"; userId: string; devices: number; serverTime: number }
  | { type: "pong"; t: number; serverTime: number }
  | { type: "error"; code: "bad_frame" | "internal"; message: string; for?: ClientFrame["type"] }
  /** The last frame before the server closes the socket, with the close's code and reason. */
  | ClosingFrame
  | LiveEvent;
