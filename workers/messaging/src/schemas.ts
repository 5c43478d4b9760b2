import { z } from "@hono/zod-openapi";
import { decimalInteger, decimalIntegerOr } from "../../../lib/decimal";
import { lineText } from "../../../lib/text";

export const ConversationId = z
  .string()
  .regex(/^cnv_[0-9A-HJKMNP-TV-Z]{26}$/, "a conversation id")
  .openapi({ param: { name: "id", in: "path" }, example: "cnv_01J9Z3V6Q3K8T1M2N4P5R6S7T8" });
export const ConversationIdParam = z.object({ id: ConversationId });
export const MemberParam = z.object({
  id: ConversationId,
  userId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "userId", in: "path" }, example: "usr_01J9Z3V6Q3K8T1M2N4P5R6S7T8" }),
});

const Handle = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^@?[a-z0-9_]{3,30}$/, "a handle: 3 to 30 characters a-z, 0-9 and _")
  .transform((handle) => handle.replace(/^@/, ""));
const Handles = z.array(Handle).min(1).max(99);

export const NewConversation = z
  .strictObject({
    memberHandles: Handles.openapi({
      description: "The others (not you): one makes a direct conversation, more a group",
      example: ["ada_l", "grace_h"],
    }),
    title: lineText(120).optional().openapi({ description: "Groups only" }),
  })
  .openapi("NewConversation");

export const NewMembers = z.strictObject({ handles: Handles }).openapi("NewMembers");

export const MemberView = z
  .object({ userId: z.string(), handle: z.string(), readSeq: z.number().int() })
  .openapi("Member");

export const LastMessage = z
  .object({
    id: z.string(),
    senderId: z.string(),
    preview: z.string(),
    createdAt: z.number().int(),
    seq: z.number().int(),
  })
  .openapi("LastMessage", { description: "The start of the newest message (up to 280 characters)" });

export const Conversation = z
  .object({
    id: z.string(),
    kind: z.enum(["direct", "group"]),
    title: z.string().nullable(),
    creatorId: z.string(),
    memberCount: z.number().int(),
    createdAt: z.iso.datetime(),
    lastMessage: LastMessage.nullable(),
    unread: z
      .number()
      .int()
      .openapi({ description: "Others' messages after your read position (at most 999)" }),
  })
  .openapi("Conversation");

export const ConversationDetail = Conversation.extend({
  members: z.array(MemberView),
  seq: z.number().int().openapi({ description: "The room's last seq" }),
}).openapi("ConversationDetail");

export const ConversationPage = z
  .object({ items: z.array(Conversation), nextCursor: z.string().nullable() })
  .openapi("ConversationPage", { description: "Most recently active first" });

export const Ticket = z.object({ ticket: z.string(), expiresIn: z.number().int() }).openapi("Ticket", {
  description: "Single use; offer it as the subprotocol `ticket.<ticket>` beside `plaza.v1`",
});

export const HistoryQuery = z.strictObject({
  before: decimalInteger(1, Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: "A seq: messages before it (the nextCursor of the previous page)" }),
  limit: decimalIntegerOr(1, 100, 50),
});

export const ChatMessage = z
  .object({
    id: z.string(),
    senderId: z.string(),
    text: z.string(),
    createdAt: z.number().int(),
    seq: z.number().int(),
    editedAt: z.number().int().optional(),
    deleted: z.literal(true).optional().openapi({ description: "Deleted: the text is gone" }),
  })
  .openapi("ChatMessage");

export const MessagePage = z
  .object({ items: z.array(ChatMessage), nextCursor: z.string().nullable() })
  .openapi("MessagePage", { description: "Newest first; nextCursor is the `before` of the next page" });
