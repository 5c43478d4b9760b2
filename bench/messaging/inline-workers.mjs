// The benchmark's own small Workers (inline scripts, never deployed): the floor the ChatRoom is compared
// with, and the setup Worker of bench/lib/bench-users.mjs that creates profiles over the users RPC.
import { bareRoomModule } from "../lib/bare-room.mjs";
import { profileSetupWorker } from "../lib/bench-users.mjs";
import { inlineWorker } from "../lib/platform.mjs";

/**
 * The floor: a Durable Object (SQLite-backed, like ChatRoom) that accepts hibernatable WebSockets and,
 * for each `send` frame, answers the sender with the same `ack` and every other socket with the same
 * `message` frame the ChatRoom sends (same fields, same sizes), each serialized once, with a seq.
 * "ping" is auto-answered like ChatRoom's. Nothing else: no storage, no validation, no limits, no
 * per-socket state. One object per URL path.
 */
const BARE_CHAT_ROOM = bareRoomModule({
  className: "BareChatRoom",
  helpers: 'const id26 = (n) => (n.toString(32).toUpperCase().padStart(26, "0")).replace(/[ILOU]/g, "Z");',
  onMessage: `const frame = JSON.parse(message);
    const seq = ++this.seq;
    const id = "msg_" + id26(Date.now() * 1000 + seq);
    ws.send(JSON.stringify({ type: "ack", nonce: frame.nonce, id, seq }));
    const text = JSON.stringify({
      type: "message",
      message: { id, senderId: "usr_" + id26(seq), text: frame.text, createdAt: Date.now(), seq },
      seq,
    });
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === ws) continue;
      try {
        socket.send(text);
      } catch {}
    }`,
});

/** The inline Workers, and their names by role. @param {{ users: string }} real  the users Worker */
export function benchWorkers({ users }) {
  const names = { bare: "bench-bare-chat-room", setup: "bench-messaging-setup" };
  const workers = [
    inlineWorker(names.bare, BARE_CHAT_ROOM, {
      durableObjects: { ROOM: { className: "BareChatRoom", useSQLite: true } },
    }),
    profileSetupWorker(names.setup, users),
  ];
  return { workers, names };
}
