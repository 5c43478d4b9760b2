// The skeleton of the room benchmarks' floors (bench/sessions, bench/messaging): an inline Worker whose
// Durable Object (one per URL path) accepts hibernatable WebSockets, auto-answers "ping" with "pong"
// like the real rooms, keeps a seq, and does nothing else but what `onMessage` does with each frame.

/**
 * The module source of a bare room Worker (binding ROOM -> `className`).
 * @param {{ className: string, helpers?: string, setup?: string, onMessage: string }} room
 *   helpers: module-level code before the class; setup: constructor statements after the auto-response (ctx and env in scope); onMessage: the body
 *   of `webSocketMessage(ws, message)` (this.ctx, this.seq in scope)
 */
export function bareRoomModule({ className, helpers = "", setup = "", onMessage }) {
  return `import { DurableObject } from "cloudflare:workers";
${helpers}
export class ${className} extends DurableObject {
  seq = 0;

  constructor(ctx, env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    ${setup}
  }

  fetch() {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws, message) {
    ${onMessage}
  }
}

export default {
  fetch(request, env) {
    const room = env.ROOM.get(env.ROOM.idFromName(new URL(request.url).pathname));
    return room.fetch(request);
  },
};`;
}
