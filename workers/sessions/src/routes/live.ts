import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { optionalUser, requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { sessionDeps } from "../deps";
import { HistoryQuery, InviteQuery, MessagePage, SessionIdParam, Ticket, TicketRequest } from "../schemas";
import { chatHistory, issueTicket, roomOf, visibleSession } from "../sessions";

export const liveRoutes = createRouter<SessionsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/tickets",
      tags: ["watch parties"],
      summary: "A single-use ticket to join (valid 30 s)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: SessionIdParam, body: jsonBody(TicketRequest) },
      responses: { 201: jsonResponse(Ticket, "The ticket"), ...errorResponses(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const deps = sessionDeps(c.env);
      const userId = c.var.principal.userId;
      const row = await visibleSession(deps, c.req.valid("param").id, userId, c.req.valid("json").inviteCode);
      return c.json(await issueTicket(deps, row, userId), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/ws",
      tags: ["watch parties"],
      summary: "Join: the WebSocket upgrade",
      description:
        "Offer the subprotocols `plaza.v1` and `ticket.<ticket>`; the server answers `plaza.v1`. " +
        "A missing, expired, reused or foreign ticket is refused with 401 before the upgrade. " +
        "Frames: docs/protocols/watch-session.md.",
      request: { params: SessionIdParam },
      responses: {
        101: { description: "Switching to the plaza.v1 protocol" },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    // The ticket is the credential here; the room checks it and takes the socket.
    async (c) => roomOf(sessionDeps(c.env), c.req.valid("param").id).fetch(c.req.raw),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages",
      tags: ["watch parties"],
      summary: "Chat history, newest first",
      security: [...BEARER, {}],
      middleware: [optionalUser()] as const,
      request: { params: SessionIdParam, query: HistoryQuery.extend(InviteQuery.shape) },
      responses: { 200: jsonResponse(MessagePage, "A page of messages"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const deps = sessionDeps(c.env);
      const { before, limit, inviteCode } = c.req.valid("query");
      const row = await visibleSession(
        deps,
        c.req.valid("param").id,
        c.var.viewer?.userId ?? null,
        inviteCode,
      );
      return c.json(await chatHistory(deps, row, limit, before), 200);
    },
  );
