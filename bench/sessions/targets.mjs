// The three targets and how N clients join each: the WatchSession (a session made by the first user,
// then one ticket per user through the sessions Worker's HTTP API and the plaza.v1 upgrade), the bare
// Durable Object and the Node `ws` server (a plain upgrade to a fresh room path).
import { randomUUID } from "node:crypto";
import { FanoutRoom, openSocket } from "../lib/ws-fanout.mjs";

const toWs = (httpUrl) => httpUrl.replace(/^http/, "ws");

/** One JSON request to the sessions Worker with a user's token; returns the parsed answer. */
async function call(base, path, token, body) {
  const response = await fetch(new URL(path, base), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * N clients in a new watch session: the first user creates it (private), every user takes a ticket
 * with the invite code and joins. Each join makes the room broadcast a presence frame to everyone
 * already there, so joining N costs O(N^2) frames; they are ignored by the clients.
 */
async function joinWatchSession(base, users, count, concurrency) {
  const host = users[0];
  const session = await call(base, "/v1/sessions", host.token, {
    title: `bench ${count}`,
    mediaUrl: "https://media.example.com/bench.mp4",
    visibility: "private",
  });
  const room = new FanoutRoom(`watch-${count}`);
  const socketUrl = new URL(`/v1/sessions/${session.id}/ws`, toWs(base)).href;
  await room.grow(
    count,
    async (slot) => {
      const { ticket } = await call(base, `/v1/sessions/${session.id}/tickets`, users[slot].token, {
        inviteCode: session.inviteCode,
      });
      return openSocket(socketUrl, ["plaza.v1", `ticket.${ticket}`]);
    },
    concurrency,
  );
  return room;
}

/** N clients on a fresh room path of a plain broadcast server (the bare DO or the Node ws server). */
async function joinPlainRoom(name, base, count, concurrency) {
  const room = new FanoutRoom(`${name}-${count}`);
  const url = new URL(`/room-${count}-${randomUUID().slice(0, 8)}`, toWs(base)).href;
  await room.grow(count, () => openSocket(url), concurrency);
  return room;
}

/**
 * The targets in the order every round runs them.
 * @param {{ sessionsUrl: string, bareUrl: string, workerdPid: number, wsUrl: string, wsPid: number,
 *   users: { token: string }[], concurrency: number, variants?: Record<string, string>,
 *   bareWriteUrl?: string }} setup
 *   variants: more sessions Workers (patched copies) by name -> URL, measured as watch-session:<name>;
 *   bareWriteUrl: adds bare-do+write (the bare DO plus one SQLite write per message)
 * @returns {import("../lib/room-measure.mjs").RoomTarget[]}
 */
export function sessionTargets(setup) {
  const { sessionsUrl, bareUrl, bareWriteUrl, workerdPid, wsUrl, wsPid, users, concurrency } = setup;
  const { variants = {} } = setup;
  const watch = (name, url) => ({
    name,
    pid: workerdPid,
    join: (count) => joinWatchSession(url, users, count, concurrency),
    // The WatchSession syncs the sessions index from an alarm 1 s after the joins (and after the
    // last message): waited before measuring and before the sockets close.
    settleMs: 1200,
  });
  return [
    watch("watch-session", sessionsUrl),
    ...Object.entries(variants).map(([name, url]) => watch(`watch-session:${name}`, url)),
    { name: "bare-do", pid: workerdPid, join: (count) => joinPlainRoom("bare", bareUrl, count, concurrency) },
    ...(bareWriteUrl
      ? [
          {
            name: "bare-do+write",
            pid: workerdPid,
            join: (count) => joinPlainRoom("bare-write", bareWriteUrl, count, concurrency),
          },
        ]
      : []),
    { name: "node-ws", pid: wsPid, join: (count) => joinPlainRoom("ws", wsUrl, count, concurrency) },
  ];
}
