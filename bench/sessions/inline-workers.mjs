// The benchmark's own small Workers (inline scripts, never deployed): the platform floor the WatchSession
// is compared with, and a setup helper that creates profiles over the users Worker's RPC.
import { inlineWorker } from "../lib/platform.mjs";

/**
 * The floor: a Durable Object (SQLite-backed, like WatchSession) that accepts hibernatable WebSockets
 * and broadcasts every chat frame to all its sockets, serialized once; "ping" is auto-answered like
 * WatchSession's. Nothing else: no storage, no validation, no per-socket state. One object per URL path.
 * `write`: the same plus one SQLite write per message (bare-do+write, a diagnostic: what a storage write,
 * and the output gate holding the broadcast until it is durable, do to a broadcast).
 */
const bareRoom = (write) => `import { DurableObject } from "cloudflare:workers";

export class BareRoom extends DurableObject {
  seq = 0;

  constructor(ctx, env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    ${write ? 'ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS seq (id INTEGER PRIMARY KEY, value INTEGER)");' : ""}
  }

  fetch(request) {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws, message) {
    const frame = JSON.parse(message);
    const seq = ++this.seq;
    ${write ? 'this.ctx.storage.sql.exec("INSERT OR REPLACE INTO seq (id, value) VALUES (1, ?)", seq);' : ""}
    const text = JSON.stringify({
      type: "chat",
      message: { text: frame.text, at: Date.now(), nonce: frame.nonce },
      seq,
    });
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(text);
      } catch {}
    }
  }
}

export default {
  fetch(request, env) {
    const room = env.ROOM.get(env.ROOM.idFromName(new URL(request.url).pathname));
    return room.fetch(request);
  },
};`;

/** POST a JSON array of { id, handle, displayName }: creates those profiles via UsersService RPC. */
const SETUP = `export default {
  async fetch(request, env) {
    const profiles = await request.json();
    const results = await Promise.all(profiles.map((profile) => env.USERS.createProfile(profile)));
    const failed = results.filter((result) => !result.ok);
    return Response.json({ created: results.length - failed.length, failed }, { status: failed.length ? 500 : 200 });
  },
};`;

/**
 * The inline Workers, and their names by role.
 * @param {{ users: string }} real  the users Worker's name
 */
export function benchWorkers({ users }) {
  const names = {
    bare: "bench-bare-room",
    bareWrite: "bench-bare-room-write",
    setup: "bench-sessions-setup",
  };
  const room = { durableObjects: { ROOM: { className: "BareRoom", useSQLite: true } } };
  const workers = [
    inlineWorker(names.bare, bareRoom(false), room),
    inlineWorker(names.bareWrite, bareRoom(true), room),
    inlineWorker(names.setup, SETUP, {
      serviceBindings: { USERS: { name: users, entrypoint: "UsersService" } },
    }),
  ];
  return { workers, names };
}
