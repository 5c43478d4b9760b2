// How long a client waits to learn that the server closed its socket (docs/decisions.md, 23), in one
// workerd without wrangler's proxy, with Node's WebSocket client. An inline Durable Object closes a
// socket in each of the ways the rooms do (in the socket's own event, from another socket's event,
// from the alarm) and, as the baseline, one accepted without hibernation; then the real WatchSession
// kicks a guest, whose `closing` frame is timed beside its close event.
//
//   node bench/sessions/close-latency.mjs      about 1 min (each hibernatable case waits ~10 s)
import { createUsers } from "../lib/bench-users.mjs";
import { inlineWorker, startWorkers } from "../lib/platform.mjs";
import { formatTable } from "../lib/report.mjs";
import { startSessionsBench } from "./workers.mjs";

const GIVE_UP_MS = 15_000;

/** Closes socket "victim" when asked by how: `self` (its own frame), `other` (another's), `alarm`. */
const ROOM = `import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  plain = [];
  fetch(request) {
    const url = new URL(request.url);
    const pair = new WebSocketPair();
    const ws = pair[1];
    if (url.searchParams.has("plain")) {
      ws.accept();
      this.plain.push(ws);
      ws.addEventListener("message", () => { for (const other of this.plain) if (other !== ws) other.close(4003, "closed"); });
    } else {
      this.ctx.acceptWebSocket(ws, [url.searchParams.get("who")]);
    }
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  async webSocketMessage(ws, how) {
    if (how === "alarm") return this.ctx.storage.setAlarm(Date.now());
    for (const victim of this.ctx.getWebSockets(how === "self" ? undefined : "victim")) {
      if (how !== "self" || victim === ws) victim.close(4003, "closed");
    }
  }
  async alarm() { for (const victim of this.ctx.getWebSockets("victim")) victim.close(4003, "closed"); }
  webSocketClose(ws, code, reason) { try { ws.close(code, reason); } catch {} }
}
export default { fetch(request, env) {
  const url = new URL(request.url);
  return env.ROOM.get(env.ROOM.idFromName(url.searchParams.get("room"))).fetch(request);
} };`;

function opened(url, protocols) {
  const ws = new WebSocket(url, protocols);
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(ws));
    ws.addEventListener("error", () => reject(new Error(`could not open ${url}`)));
  });
}

/** Milliseconds from `trigger()` to the victim's close event and, if `frameType`, to that frame. */
async function timeClose(victim, trigger, frameType) {
  const started = performance.now();
  const since = () => Math.round(performance.now() - started);
  let frameMs = null;
  victim.addEventListener("message", (event) => {
    if (frameType && frameMs === null && String(event.data).includes(`"type":"${frameType}"`))
      frameMs = since();
  });
  const closed = new Promise((resolve) => victim.addEventListener("close", () => resolve(since())));
  trigger();
  const closeMs = await Promise.race([closed, new Promise((r) => setTimeout(() => r(null), GIVE_UP_MS))]);
  return { frameMs, closeMs };
}

async function inlineCases() {
  const { mf, urls } = await startWorkers([
    inlineWorker("close-room", ROOM, { durableObjects: { ROOM: { className: "Room", useSQLite: true } } }),
  ]);
  const base = urls["close-room"].replace(/^http/, "ws");
  const rows = [];
  try {
    for (const how of ["plain", "self", "other", "alarm"]) {
      const at = (who) => `${base}?room=${how}&who=${who}${how === "plain" ? "&plain" : ""}`;
      const victim = await opened(at("victim"));
      const other = how === "self" ? victim : await opened(at("other"));
      const { closeMs } = await timeClose(victim, () => other.send(how));
      rows.push({ how, closeMs });
      other.close();
    }
  } finally {
    await mf.dispose();
  }
  return rows;
}

async function kickCase() {
  const bench = await startSessionsBench({ build: true, chatLimit: 0 });
  try {
    const base = bench.urls[bench.names.sessions];
    const [host, guest] = await createUsers(bench.urls[bench.names.setup], bench.signingKey, 2);
    const post = async (path, token, body) => {
      const response = await fetch(new URL(path, base), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.status !== 201)
        throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const session = await post("/v1/sessions", host.token, {
      title: "close latency",
      mediaUrl: "https://media.example.com/a.mp4",
      visibility: "private",
    });
    const join = async (user) => {
      const { ticket } = await post(`/v1/sessions/${session.id}/tickets`, user.token, {
        inviteCode: session.inviteCode,
      });
      const url = new URL(`/v1/sessions/${session.id}/ws`, base.replace(/^http/, "ws")).href;
      return opened(url, ["plaza.v1", `ticket.${ticket}`]);
    };
    const [hostSocket, guestSocket] = [await join(host), await join(guest)];
    const guestId = JSON.parse(Buffer.from(guest.token.split(".")[1], "base64url")).sub;
    const timing = await timeClose(
      guestSocket,
      () => hostSocket.send(JSON.stringify({ type: "kick", userId: guestId })),
      "closing",
    );
    hostSocket.close();
    return timing;
  } finally {
    await bench.mf.dispose();
  }
}

const WHAT = {
  plain: "accepted without hibernation, closed from another socket's event (baseline)",
  self: "hibernatable, closed in its own event",
  other: "hibernatable, closed from another socket's event",
  alarm: "hibernatable, closed from the alarm",
};
const ms = (value) => (value === null ? `none in ${GIVE_UP_MS / 1000} s` : String(value));
const inline = await inlineCases();
const kick = await kickCase();
const baseline = inline.find((row) => row.how === "plain")?.closeMs ?? 1;
console.log(
  "\nFrom the server's close to the client's close event (Node's WebSocket, one workerd, no proxy):\n",
);
console.log(
  formatTable(
    ["socket", "close event ms", "x baseline"],
    [
      ...inline.map(({ how, closeMs }) => [
        WHAT[how],
        ms(closeMs),
        closeMs === null ? "-" : (closeMs / Math.max(baseline, 1)).toFixed(0),
      ]),
      ["WatchSession kick: the `closing` frame", ms(kick.frameMs), "-"],
      ["WatchSession kick: the close event", ms(kick.closeMs), "-"],
    ],
  ),
);
