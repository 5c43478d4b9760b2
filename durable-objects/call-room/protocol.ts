import { z } from "zod";
import type { ClosingFrame } from "../../lib/realtime/socket-room";

/**
 * The call-room wire protocol, `plaza.v1`: JSON text frames, one zod union each way.
 * docs/protocols/call-room.md describes it for client authors.
 */

export { SUBPROTOCOL } from "../../lib/realtime/upgrade";

/** Close codes the server uses (4000-4999 are ours). */
export const CLOSE = {
  frameTooLarge: { code: 1009, reason: "frame larger than 16 KiB" },
  ended: { code: 4000, reason: "the call has ended" },
  kicked: { code: 4003, reason: "removed from the call by the host" },
  timedOut: { code: 4008, reason: "no sign of life for too long" },
  replaced: { code: 4009, reason: "this user joined again elsewhere" },
} as const;

export const MAX_FRAME_BYTES = 16 * 1024;
/** The `data` of one signal frame, serialized, may not be larger than this. */
export const MAX_SIGNAL_BYTES = 12 * 1024;

const UserId = z.string().min(1).max(64);

/** An SDP offer or answer, as RTCSessionDescription.toJSON() gives it. */
export const SessionDescription = z.strictObject({
  type: z.enum(["offer", "answer", "pranswer", "rollback"]),
  sdp: z.string().max(MAX_SIGNAL_BYTES),
});

/** An ICE candidate, as RTCIceCandidate.toJSON() gives it ("" ends the candidates). */
export const IceCandidate = z.strictObject({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

export const SignalData = z.union([SessionDescription, IceCandidate]);
export type SignalData = z.infer<typeof SignalData>;

export const MediaState = z.strictObject({ audio: z.boolean(), video: z.boolean(), screen: z.boolean() });
export type MediaState = z.infer<typeof MediaState>;

export const ClientFrame = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("signal"), to: UserId, data: SignalData }),
  z.strictObject({ type: z.literal("media"), ...MediaState.shape }),
  z.strictObject({ type: z.literal("hand"), raised: z.boolean() }),
  z.strictObject({ type: z.literal("mute"), userId: UserId }),
  z.strictObject({ type: z.literal("kick"), userId: UserId }),
  z.strictObject({ type: z.literal("ping"), t: z.number() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame["type"];

export type Role = "host" | "member";

/** What the SFU carries of a member: their session and the tracks they publish on it. */
export interface Publication {
  sessionId: string;
  tracks: { trackName: string; mid: string }[];
}

export interface Member {
  userId: string;
  handle: string;
  role: Role;
  media: MediaState;
  hand: boolean;
  joinedAt: number;
  /** Set in SFU calls once the member has an SFU session. */
  sfu: Publication | null;
}

export interface CallView {
  id: string;
  title: string | null;
  hostId: string;
  mode: "mesh" | "sfu";
  maxMembers: number;
}

export type ErrorCode =
  | "bad_frame"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "payload_too_large"
  | "internal";

export type EndReason = "host" | "empty";

export type ServerFrame =
  /**
   * The call and everyone in it, with their media state: to a newcomer on joining, and to everyone
   * whenever a member's media, hand, SFU tracks or the host changes.
   */
  | { type: "roster"; call: CallView; members: Member[] }
  /** To everyone else when someone joins: the newcomer sends each of them an offer (mesh). */
  | { type: "joined"; member: Member }
  | { type: "left"; userId: string; reason: "left" | "kicked" | "timed_out" | "replaced" }
  | { type: "signal"; from: string; data: SignalData }
  /** To a member the host muted: turn the microphone off. */
  | { type: "muted"; by: string }
  | { type: "ended"; reason: EndReason }
  | { type: "pong"; t: number; serverTime: number }
  | { type: "error"; code: ErrorCode; message: string; for?: ClientFrameType }
  /** The last frame before the server closes the socket, with the close's code and reason. */
  | ClosingFrame;

/** A frame's size in UTF-8 bytes, as the limits count it. */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
