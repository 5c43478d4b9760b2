// The two targets and how N clients join each: the ChatRoom (a group made by the first user with the
// other N-1, then one ticket per member through the messaging Worker's HTTP API and the plaza.v1
// upgrade), and the bare chat-room Durable Object (a plain upgrade to a fresh room path).
import { randomUUID } from "node:crypto";
import { FanoutRoom, openSocket } from "../lib/ws-fanout.mjs";
import { CHAT_ROOM } from "./chat-protocol.mjs";

const toWs = (httpUrl) => httpUrl.replace(/^http/, "ws");

/** One JSON POST with a user's token; returns the parsed answer (201 or 200 expected). */
export async function post(base, path, token, body) {
  const response = await fetch(new URL(path, base), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`POST ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function joinChatRoom(base, users, count, concurrency) {
  const [creator, ...others] = users.slice(0, count);
  const conversation = await post(base, "/v1/conversations", creator.token, {
    memberHandles: others.map((user) => user.handle),
    ...(others.length > 1 && { title: `bench ${count}` }),
  });
  const room = new FanoutRoom(`chat-${count}`, { protocol: CHAT_ROOM });
  const socketUrl = new URL(`/v1/conversations/${conversation.id}/ws`, toWs(base)).href;
  await room.grow(
    count,
    async (slot) => {
      const { ticket } = await post(base, `/v1/conversations/${conversation.id}/tickets`, users[slot].token);
      return openSocket(socketUrl, ["plaza.v1", `ticket.${ticket}`]);
    },
    concurrency,
  );
  return room;
}

async function joinBareRoom(base, count, concurrency) {
  const room = new FanoutRoom(`bare-${count}`, { protocol: CHAT_ROOM });
  const url = new URL(`/room-${count}-${randomUUID().slice(0, 8)}`, toWs(base)).href;
  await room.grow(count, () => openSocket(url), concurrency);
  return room;
}

/**
 * The targets in the order every round runs them.
 * @param {{ messagingUrl: string, bareUrl: string, workerdPid: number, users: { token: string,
 *   handle: string }[], concurrency: number }} setup
 */
export function chatTargets({ messagingUrl, bareUrl, workerdPid, users, concurrency }) {
  return [
    {
      name: "chat-room",
      pid: workerdPid,
      join: (count) => joinChatRoom(messagingUrl, users, count, concurrency),
      // The ChatRoom syncs the conversations index from an alarm 1 s after a change (CHAT_LIMITS).
      settleMs: 1200,
    },
    { name: "bare-do", pid: workerdPid, join: (count) => joinBareRoom(bareUrl, count, concurrency) },
  ];
}
