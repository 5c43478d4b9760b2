import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { issueTicket, roomOf } from "../calls";
import { callDeps } from "../deps";
import { CallIdParam, Ticket, TicketRequest } from "../schemas";

export const liveRoutes = createRouter<CallsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/tickets",
      tags: ["calls"],
      summary: "A single-use ticket to join (valid 30 s)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: CallIdParam, body: jsonBody(TicketRequest) },
      responses: { 201: jsonResponse(Ticket, "The ticket"), ...errorResponses(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const deps = callDeps(c.env, c.var.traceparent);
      const ticket = await issueTicket(
        deps,
        c.req.valid("param").id,
        c.var.principal.userId,
        c.req.valid("json").inviteCode,
      );
      return c.json(ticket, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/ws",
      tags: ["calls"],
      summary: "Join: the WebSocket upgrade",
      description:
        "Offer the subprotocols `plaza.v1` and `ticket.<ticket>`; the server answers `plaza.v1`. " +
        "A missing, expired, reused or foreign ticket is refused with 401 before the upgrade. " +
        "Frames: docs/protocols/call-room.md.",
      request: { params: CallIdParam },
      responses: {
        101: { description: "Switching to the plaza.v1 protocol" },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    // The ticket is the credential here; the room checks it and takes the socket.
    async (c) => roomOf({ rooms: c.env.CALL_ROOMS }, c.req.valid("param").id).fetch(c.req.raw),
  );
