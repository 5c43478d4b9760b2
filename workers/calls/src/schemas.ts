import { z } from "@hono/zod-openapi";
import { MediaState } from "../../../durable-objects/call-room/protocol";
import { lineText } from "../../../lib/text";

export const CallId = z
  .string()
  .regex(/^cal_[0-9A-HJKMNP-TV-Z]{26}$/, "a call id")
  .openapi({ param: { name: "id", in: "path" }, example: "cal_01J9Z3V6Q3K8T1M2N4P5R6S7T8" });
export const CallIdParam = z.object({ id: CallId });

const InviteCode = z.string().regex(/^[0-9A-Z]{10}$/, "an invite code");
const Handle = z.string().regex(/^[a-z0-9_]{3,30}$/, "a handle");
export const CallMode = z.enum(["mesh", "sfu"]);

export const NewCall = z
  .strictObject({
    title: lineText(120).optional().openapi({ example: "Stand-up" }),
    inviteHandles: z
      .array(Handle)
      .max(20)
      .optional()
      .openapi({ description: "Each invitee gets a call.invited event and may join without the code" }),
    mode: CallMode.default("mesh").openapi({
      description: "mesh: browsers connect to each other (small calls); sfu: through the SFU",
    }),
  })
  .openapi("NewCall");

export const IceServer = z
  .object({
    urls: z.array(z.string()),
    username: z.string().optional(),
    credential: z.string().optional(),
  })
  .openapi("IceServer");

export const IceServers = z
  .object({
    iceServers: z.array(IceServer),
    expiresAt: z.iso.datetime().nullable().openapi({ description: "When the TURN credentials expire" }),
  })
  .openapi("IceServers");

export const CreatedCall = z
  .object({
    id: z.string(),
    title: z.string().nullable(),
    hostId: z.string(),
    mode: CallMode,
    maxMembers: z.number().int(),
    inviteCode: z.string(),
    createdAt: z.iso.datetime(),
    iceServers: z.array(IceServer),
    iceServersExpireAt: z.iso.datetime().nullable(),
  })
  .openapi("CreatedCall");

const Publication = z.object({
  sessionId: z.string(),
  tracks: z.array(z.object({ trackName: z.string(), mid: z.string() })),
});

export const CallMember = z
  .object({
    userId: z.string(),
    handle: z.string(),
    role: z.enum(["host", "member"]),
    media: MediaState,
    hand: z.boolean(),
    joinedAt: z.number().int(),
    sfu: Publication.nullable(),
  })
  .openapi("CallMember");

export const CallDetail = z
  .object({
    id: z.string(),
    title: z.string().nullable(),
    hostId: z
      .string()
      .openapi({ description: "Who holds the host role now (it passes on when the host leaves)" }),
    creatorId: z.string(),
    mode: CallMode,
    maxMembers: z.number().int(),
    status: z.enum(["live", "ended"]),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    endReason: z.enum(["host", "empty"]).nullable(),
    durationMs: z.number().int().nullable(),
    peakMembers: z.number().int(),
    members: z.array(CallMember),
    inviteCode: z.string().optional().openapi({ description: "Shown to the creator" }),
  })
  .openapi("CallDetail");

export const InviteQuery = z.strictObject({ inviteCode: InviteCode.optional() });

export const TicketRequest = z
  .strictObject({ inviteCode: InviteCode.optional() })
  .openapi("CallTicketRequest");
export const Ticket = z.object({ ticket: z.string(), expiresIn: z.number().int() }).openapi("CallTicket", {
  description: "Single use; offer it as the subprotocol `ticket.<ticket>` beside `plaza.v1`",
});

// ---- SFU (Cloudflare Realtime) requests, as the API takes them, and its answers ----

const MAX_SDP = 64 * 1024;
const SfuSessionId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "an SFU session id");
const TrackName = z.string().min(1).max(128);
const Mid = z.string().min(1).max(32);

export const SfuSessionParam = z.object({
  id: CallId,
  sessionId: SfuSessionId.openapi({ param: { name: "sessionId", in: "path" } }),
});

export const SessionDescription = z
  .strictObject({ type: z.enum(["offer", "answer"]), sdp: z.string().min(1).max(MAX_SDP) })
  .openapi("SessionDescription");

export const NewSfuSession = z
  .strictObject({ sessionDescription: SessionDescription.optional() })
  .openapi("NewSfuSession");

export const TrackRequest = z.discriminatedUnion("location", [
  z.strictObject({ location: z.literal("local"), mid: Mid, trackName: TrackName }),
  z.strictObject({
    location: z.literal("remote"),
    sessionId: SfuSessionId,
    trackName: TrackName,
    mid: Mid.optional(),
  }),
]);

export const NewTracks = z
  .strictObject({
    sessionDescription: SessionDescription.optional(),
    tracks: z.array(TrackRequest).min(1).max(64),
  })
  .openapi("NewTracks", {
    description: "local: publish your tracks (by mid); remote: pull tracks another member publishes",
  });
export type NewTracks = z.infer<typeof NewTracks>;

export const Renegotiation = z
  .strictObject({ sessionDescription: SessionDescription })
  .openapi("Renegotiation");

export const CloseTracks = z
  .strictObject({
    sessionDescription: SessionDescription.optional(),
    tracks: z
      .array(z.strictObject({ mid: Mid }))
      .min(1)
      .max(64),
    force: z.boolean().optional(),
  })
  .openapi("CloseTracks");
export type CloseTracks = z.infer<typeof CloseTracks>;

const TrackError = z.object({ errorCode: z.string(), errorDescription: z.string().optional() });

/** The SFU's answers, passed on as they are (fields we do not know of included). */
export const SfuAnswer = z
  .looseObject({
    sessionId: z.string().optional(),
    sessionDescription: z.object({ type: z.string(), sdp: z.string() }).optional(),
    requiresImmediateRenegotiation: z.boolean().optional(),
    tracks: z
      .array(
        z.looseObject({
          mid: z.string().optional(),
          trackName: z.string().optional(),
          sessionId: z.string().optional(),
          errorCode: z.string().optional(),
          errorDescription: z.string().optional(),
          error: TrackError.optional(),
        }),
      )
      .optional(),
    errorCode: z.string().optional(),
    errorDescription: z.string().optional(),
  })
  .openapi("SfuAnswer");
export type SfuAnswer = z.infer<typeof SfuAnswer>;
