import { createRoute } from "@hono/zod-openapi";
import { ticketOwner } from "../../../../durable-objects/user-channel/user-channel";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { AppError } from "../../../../lib/errors";
import { BEARER, errorResponses, jsonResponse } from "../../../../lib/openapi";
import { offeredTicket } from "../../../../lib/realtime/upgrade";
import { channelOf, notificationDeps } from "../deps";
import { Ticket } from "../schemas";

/** The user's live channel: a ticket, then the WebSocket. */
export const meRoutes = createRouter<NotificationsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/tickets",
      tags: ["live channel"],
      summary: "A single-use ticket to open my live channel (valid 30 s)",
      security: BEARER,
      middleware: [requireUser()] as const,
      responses: { 201: jsonResponse(Ticket, "The ticket"), ...errorResponses(401) },
    }),
    async (c) => {
      const userId = c.var.principal.userId;
      return c.json(await channelOf(notificationDeps(c.env), userId).issueTicket(userId), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/ws",
      tags: ["live channel"],
      summary: "Open my live channel: the WebSocket upgrade",
      description:
        "Offer the subprotocols `plaza.v1` and `ticket.<ticket>`; the server answers `plaza.v1`. " +
        "A missing, expired or reused ticket is refused with 401 before the upgrade. " +
        "Frames: docs/protocols/user-channel.md.",
      responses: {
        101: { description: "Switching to the plaza.v1 protocol" },
        ...errorResponses(400, 401),
      },
    }),
    // The ticket is the credential; it names the channel, which checks it and takes the socket.
    async (c) => {
      // The same refusals as the channel's own (400 without plaza.v1), before a channel is picked.
      const offer = offeredTicket(c.req.raw);
      if (!offer.ok) throw new AppError(offer.code, offer.message);
      const owner = ticketOwner(offer.ticket);
      if (!owner || owner.length > 64)
        throw new AppError("unauthorized", "the ticket is unknown, used or expired");
      return channelOf(notificationDeps(c.env), owner).fetch(c.req.raw);
    },
  );
