/** Malformed WebSocket frames for each room, for the bad-input sweep. */
import { z } from "zod";
import { ClientFrame as CallFrame } from "../../../../durable-objects/call-room/protocol";
import { ClientFrame as ChatFrame } from "../../../../durable-objects/chat-room/protocol";
import { ClientFrame as ChannelFrame } from "../../../../durable-objects/user-channel/protocol";
import {
  MAX_FRAME_BYTES,
  ClientFrame as WatchFrame,
} from "../../../../durable-objects/watch-session/protocol";
import { openSocket, type TestSocket } from "../../../../lib/testing/sockets";
import { call } from "../worker";
import { bodyCases, type OpenApiDoc, type Schema, sampleOf } from "./openapi-cases";
import { asUser, type World } from "./world";

export const ROOMS = {
  "watch session": WatchFrame,
  "chat room": ChatFrame,
  "call room": CallFrame,
  "user channel": ChannelFrame,
} satisfies Record<string, z.ZodType>;

/** A fresh room of the owner's (the frames may change it) and a socket in it. */
export async function joinRoom(w: World, room: keyof typeof ROOMS): Promise<TestSocket> {
  const [path, ticketed] = await (async (): Promise<[string, Record<string, unknown>]> => {
    if (room === "watch session") {
      const { id } = await asUser(w.owner.accessToken, "POST", "/v1/sessions", {
        title: "Frames",
        mediaUrl: "https://media.example.com/f.mp4",
      });
      return [
        `/v1/sessions/${id}`,
        await asUser(w.owner.accessToken, "POST", `/v1/sessions/${id}/tickets`, {}),
      ];
    }
    if (room === "chat room") {
      const { id } = await asUser(w.owner.accessToken, "POST", "/v1/conversations", {
        memberHandles: [w.bystander.handle],
      });
      return [
        `/v1/conversations/${id}`,
        await asUser(w.owner.accessToken, "POST", `/v1/conversations/${id}/tickets`),
      ];
    }
    if (room === "call room") {
      const { id } = await asUser(w.owner.accessToken, "POST", "/v1/calls", { title: "Frames" });
      return [`/v1/calls/${id}`, await asUser(w.owner.accessToken, "POST", `/v1/calls/${id}/tickets`, {})];
    }
    return ["/v1/me", await asUser(w.owner.accessToken, "POST", "/v1/me/tickets")];
  })();
  const { response, socket } = await openSocket({ fetch: call }, `${path}/ws`, String(ticketed.ticket));
  if (!socket) throw new Error(`${room}: no socket (${response.status} ${await response.text()})`);
  return socket;
}

/** Malformed frames for one room's ClientFrame union: whole-frame garbage and each branch mutated. */
export function frameCases(union: z.ZodType): { name: string; text: string; valid: boolean }[] {
  const schema = z.toJSONSchema(union, { io: "input", unrepresentable: "any" }) as Schema;
  const noDoc: OpenApiDoc = { paths: {}, components: { schemas: {} } };
  const branches = ((schema.oneOf ?? schema.anyOf) as Schema[] | undefined) ?? [];
  const mutated = branches.flatMap((branch) => {
    const sample = sampleOf(noDoc, branch) as Record<string, unknown>;
    return bodyCases(noDoc, branch, sample, schema).map((c) => ({
      ...c,
      name: `${String(sample.type)}: ${c.name}`,
    }));
  });
  const extra = [
    ["an unknown type", '{"type":"no-such-frame"}'],
    ["a numeric type", '{"type":42}'],
  ].map(([name = "", text = ""]) => ({ name, text, valid: false }));
  const seen = new Set<string>();
  return [...extra, ...mutated].filter(
    ({ text }) =>
      new TextEncoder().encode(text).byteLength <= MAX_FRAME_BYTES && !seen.has(text) && seen.add(text),
  );
}

/** Sends each frame, waiting for its error frame; returns what is wrong (internal errors, silence). */
export async function sweepFrames(
  room: string,
  socket: TestSocket,
  frames: ReturnType<typeof frameCases>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const frame of frames) {
    if (socket.closed) {
      problems.push(`${room}: closed (${socket.closed.code}) before "${frame.name}"`);
      break;
    }
    socket.send(frame.text);
    const reply = await socket.next("error", frame.valid ? 100 : 1000).catch(() => null);
    if (reply?.code === "internal") problems.push(`${room} with ${frame.name}: an internal error frame`);
    if (!reply && !frame.valid) problems.push(`${room} with ${frame.name}: no error frame`);
  }
  socket.ws.send(new Uint8Array([1, 2, 3]));
  if ((await socket.next("error", 1000).catch(() => null))?.code !== "bad_frame")
    problems.push(`${room} with a binary frame: no bad_frame error`);
  socket.send(`{"type":"${"x".repeat(MAX_FRAME_BYTES)}"}`);
  const closed = await socket.whenClosed(2000).catch(() => null);
  if (closed?.code !== 1009)
    problems.push(`${room} with a frame over 16 KiB: closed with ${closed?.code}, not 1009`);
  return problems;
}
