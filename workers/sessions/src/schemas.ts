import { z } from "@hono/zod-openapi";
import { MediaUrl } from "../../../durable-objects/watch-session/protocol";
import { decimalIntegerOr } from "../../../lib/decimal";
import { lineText } from "../../../lib/text";

export const SessionId = z
  .string()
  .regex(/^wch_[0-9A-HJKMNP-TV-Z]{26}$/, "a watch session id")
  .openapi({ param: { name: "id", in: "path" }, example: "wch_01J9Z3V6Q3K8T1M2N4P5R6S7T8" });
export const SessionIdParam = z.object({ id: SessionId });

const InviteCode = z.string().regex(/^[0-9A-Z]{10}$/, "an invite code");

export const NewSession = z
  .strictObject({
    title: lineText(120).openapi({ example: "Friday film club" }),
    mediaUrl: MediaUrl.openapi({ example: "https://media.example.com/film.mp4" }),
    visibility: z.enum(["private", "public"]).default("private"),
  })
  .openapi("NewSession");

export const Playback = z
  .object({ playing: z.boolean(), position: z.number(), rate: z.number(), at: z.number().int() })
  .openapi("Playback", { description: "position (s) at server time `at` (ms since the epoch)" });

export const Session = z
  .object({
    id: z.string(),
    title: z.string(),
    hostId: z.string(),
    mediaUrl: z.string(),
    visibility: z.enum(["private", "public"]),
    createdAt: z.iso.datetime(),
    status: z.enum(["live", "ended"]),
    inviteCode: z.string().optional().openapi({ description: "Shown to the host" }),
  })
  .openapi("Session");

export const SessionDetail = Session.extend({
  playback: Playback,
  participantCount: z.number().int(),
  locked: z.boolean(),
  liveHostId: z
    .string()
    .openapi({ description: "Who holds the host role now (it passes on when the host leaves)" }),
}).openapi("SessionDetail");

export const CreatedSession = Session.required({ inviteCode: true }).openapi("CreatedSession");

export const SessionPage = z
  .object({ items: z.array(Session), nextCursor: z.string().nullable() })
  .openapi("SessionPage");

export const InviteQuery = z.strictObject({ inviteCode: InviteCode.optional() });

export const TicketRequest = z.strictObject({ inviteCode: InviteCode.optional() }).openapi("TicketRequest");
export const Ticket = z.object({ ticket: z.string(), expiresIn: z.number().int() }).openapi("Ticket", {
  description: "Single use; offer it as the subprotocol `ticket.<ticket>` beside `plaza.v1`",
});

export const HistoryQuery = z.strictObject({
  before: z
    .string()
    .regex(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/, "a message id")
    .optional(),
  limit: decimalIntegerOr(1, 100, 50),
});

export const ChatMessage = z
  .object({
    id: z.string(),
    userId: z.string(),
    handle: z.string(),
    text: z.string(),
    at: z.number().int(),
    nonce: z.string().optional(),
  })
  .openapi("ChatMessage");

export const MessagePage = z
  .object({ items: z.array(ChatMessage), nextCursor: z.string().nullable() })
  .openapi("MessagePage", { description: "Newest first; nextCursor is the `before` of the next page" });

export const InviteRequest = z
  .strictObject({
    handles: z
      .array(z.string().regex(/^@?[A-Za-z0-9_]{3,30}$/, "a handle"))
      .min(1)
      .max(20)
      .openapi({ example: ["ada_l", "grace"] }),
  })
  .openapi("SessionInvite");

export const InviteResult = z
  .object({
    invited: z.array(z.object({ id: z.string(), handle: z.string() })),
    unknown: z.array(z.string()),
  })
  .openapi("SessionInviteResult");
