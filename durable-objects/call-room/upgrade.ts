import type { ErrorCode } from "../../lib/errors";
import { SUBPROTOCOL } from "./protocol";

/**
 * The ticket a WebSocket upgrade offers as the subprotocol `ticket.<ticket>` beside `plaza.v1`
 * (tokens never travel in URLs), or why the upgrade is refused before it happens.
 */
export function offeredTicket(
  request: Request,
): { ok: true; ticket: string } | { ok: false; code: ErrorCode; message: string } {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return { ok: false, code: "bad_request", message: "this endpoint takes a WebSocket upgrade" };
  }
  const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  if (!offered.includes(SUBPROTOCOL)) {
    return { ok: false, code: "bad_request", message: `offer the ${SUBPROTOCOL} subprotocol` };
  }
  const ticket = offered.find((p) => p.startsWith("ticket."))?.slice("ticket.".length);
  if (!ticket)
    return { ok: false, code: "unauthorized", message: "offer a ticket as the subprotocol ticket.<ticket>" };
  return { ok: true, ticket };
}

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
