import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonResponse } from "../../../../lib/openapi";
import { issueTicket, messageHistory, roomOf } from "../conversations";
import { messagingDeps } from "../deps";
import { ConversationIdParam, HistoryQuery, MessagePage, Ticket } from "../schemas";

export const liveRoutes = createRouter<MessagingEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/tickets",
      tags: ["messaging"],
      summary: "A single-use ticket to connect (members; valid 30 s)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: ConversationIdParam },
      responses: { 201: jsonResponse(Ticket, "The ticket"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const ticket = await issueTicket(messagingDeps(c.env), c.req.valid("param").id, c.var.principal.userId);
      return c.json(ticket, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/ws",
      tags: ["messaging"],
      summary: "Connect: the WebSocket upgrade",
      description:
        "Offer the subprotocols `plaza.v1` and `ticket.<ticket>`; the server answers `plaza.v1`. " +
        "A missing, expired, reused or foreign ticket is refused with 401, a non-member with 403, " +
        "both before the upgrade. Frames: docs/protocols/chat-room.md.",
      request: { params: ConversationIdParam },
      responses: {
        101: { description: "Switching to the plaza.v1 protocol" },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    // The ticket is the credential here; the room checks it and takes the socket.
    async (c) => roomOf(messagingDeps(c.env), c.req.valid("param").id).fetch(c.req.raw),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages",
      tags: ["messaging"],
      summary: "History, newest first (members only)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: ConversationIdParam, query: HistoryQuery },
      responses: {
        200: jsonResponse(MessagePage, "A page of messages"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { before, limit } = c.req.valid("query");
      const page = await messageHistory(
        messagingDeps(c.env),
        c.req.valid("param").id,
        c.var.principal.userId,
        limit,
        before,
      );
      return c.json(page, 200);
    },
  );
