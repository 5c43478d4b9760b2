// The benchmark's own small Workers (inline scripts, never deployed): the platform floor the WatchSession
// is compared with, and the setup Worker of bench/lib/bench-users.mjs that creates profiles over the users
// Worker's RPC.
import { bareRoomModule } from "../lib/bare-room.mjs";
import { profileSetupWorker } from "../lib/bench-users.mjs";
import { inlineWorker } from "../lib/platform.mjs";

/**
 * The floor: a Durable Object (SQLite-backed, like WatchSession) that accepts hibernatable WebSockets
 * and broadcasts every chat frame to all its sockets, serialized once; "ping" is auto-answered like
 * WatchSession's. Nothing else: no storage, no validation, no per-socket state. One object per URL path.
 * `write`: the same plus one SQLite write per message (bare-do+write, a diagnostic: what a storage write,
 * and the output gate holding the broadcast until it is durable, do to a broadcast).
 */
const bareRoom = (write) =>
  bareRoomModule({
    className: "BareRoom",
    setup: write
      ? 'ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS seq (id INTEGER PRIMARY KEY, value INTEGER)");'
      : "",
    onMessage: `const frame = JSON.parse(message);
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
    }`,
  });

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
    profileSetupWorker(names.setup, users),
  ];
  return { workers, names };
}
