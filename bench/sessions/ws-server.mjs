// The plain Node alternative: a `ws` server that broadcasts each chat frame to every client of its room
// (rooms by URL path), serialized once, as the bare Durable Object does. Runs as a child process so the
// benchmark reads its CPU from /proc; prints {"port": ...} when it listens. Usage: node ws-server.mjs
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });

/** @type {Map<string, { clients: Set<import("ws").WebSocket>, seq: number }>} */
const rooms = new Map();

server.on("connection", (ws, request) => {
  const name = request.url ?? "/";
  let room = rooms.get(name);
  if (!room) {
    room = { clients: new Set(), seq: 0 };
    rooms.set(name, room);
  }
  room.clients.add(ws);
  ws.on("message", (data) => {
    const text = data.toString();
    if (text === "ping") {
      ws.send("pong");
      return;
    }
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      ws.send('{"type":"error","code":"bad_frame","message":"not JSON"}');
      return;
    }
    const out = JSON.stringify({
      type: "chat",
      message: { text: frame.text, at: Date.now(), nonce: frame.nonce },
      seq: ++room.seq,
    });
    for (const client of room.clients) if (client.readyState === 1) client.send(out);
  });
  ws.on("close", () => {
    room.clients.delete(ws);
    if (room.clients.size === 0) rooms.delete(name);
  });
  ws.on("error", () => {});
});

server.on("listening", () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === "object" ? address?.port : null }));
});

process.on("SIGTERM", () => {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
});
