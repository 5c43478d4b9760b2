import { AppError, type ErrorCode, errorResponse } from "../errors";
import { requestIdFrom } from "../http/trace";

/** The WebSocket subprotocol every Plaza room speaks (JSON text frames, documented per room). */
export const SUBPROTOCOL = "plaza.v1";

export type UpgradeOffer = { ok: true; ticket: string } | { ok: false; code: ErrorCode; message: string };

/**
 * The ticket a WebSocket upgrade offers as the subprotocol `ticket.<ticket>` beside `plaza.v1`
 * (tokens never travel in URLs), or why the upgrade is refused before it happens.
 */
export function offeredTicket(request: Request): UpgradeOffer {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return { ok: false, code: "bad_request", message: "this endpoint takes a WebSocket upgrade" };
  }
  const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  if (!offered.includes(SUBPROTOCOL)) {
    return { ok: false, code: "bad_request", message: `offer the ${SUBPROTOCOL} subprotocol` };
  }
  const ticket = offered.find((p) => p.startsWith("ticket."))?.slice("ticket.".length);
  if (!ticket) {
    return { ok: false, code: "unauthorized", message: "offer a ticket as the subprotocol ticket.<ticket>" };
  }
  return { ok: true, ticket };
}

/** An upgrade refused before it happens: the standard error body, under the request's id. */
export function refuseUpgrade(request: Request, code: ErrorCode, message: string): Response {
  return errorResponse(new AppError(code, message), requestIdFrom(request.headers.get("x-request-id")));
}

/** The 101 that hands the client its end of an accepted socket, agreeing on `plaza.v1`. */
export function acceptUpgrade(client: WebSocket): Response {
  return new Response(null, {
    status: 101,
    webSocket: client,
    headers: { "sec-websocket-protocol": SUBPROTOCOL },
  });
}
