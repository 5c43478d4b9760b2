import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatRoom } from "../../../durable-objects/chat-room/chat-room";
import type { Frame } from "../../../lib/testing/sockets";
import { connect, createConversation, type MessageFrame, newAccount, roomStub, say } from "./worker";

type ErrorFrame = Frame & { code: string; message: string; for?: string };

async function room(size = 2) {
  const people = await Promise.all(Array.from({ length: size }, () => newAccount()));
  const [creator, ...others] = people;
  if (!creator) throw new Error("no creator");
  const conversation = await createConversation(creator, others);
  const sockets = [];
  for (const person of people) sockets.push((await connect(person, conversation.id)).socket);
  return { people, conversation, sockets };
}

/** The row of a message in the room's SQLite, read inside the object. */
function storedMessage(conversationId: string, id: string) {
  return runInDurableObject(
    roomStub(conversationId),
    (_instance: ChatRoom, state) =>
      state.storage.sql.exec("SELECT seq, text, sender_id FROM messages WHERE id = ?", id).toArray()[0],
  );
}

describe("send", () => {
  it("when a member sends, then it is stored before the ack, and every other socket gets it with the same seq", async () => {
    const { people, conversation, sockets } = await room(3);
    const [a, b, c] = sockets;
    if (!a || !b || !c) throw new Error("sockets");
    const ack = await say(a, "hello there", "n-1");

    expect(ack).toMatchObject({ type: "ack", nonce: "n-1" });
    expect(ack.id).toMatch(/^msg_/);
    expect(await storedMessage(conversation.id, ack.id)).toEqual({
      seq: ack.seq,
      text: "hello there",
      sender_id: people[0]?.user.id,
    });
    for (const other of [b, c]) {
      const frame = await other.next<MessageFrame>("message");
      expect(frame.seq).toBe(ack.seq);
      expect(frame.message).toMatchObject({ id: ack.id, senderId: people[0]?.user.id, text: "hello there" });
      expect(frame.message).not.toHaveProperty("nonce");
    }
    // The sender gets the ack, not its own message back.
    expect(a.frames.some((f) => f.type === "message")).toBe(false);
    for (const s of sockets) s.close();
  });

  it("when a send is retried with the same nonce, then it is stored once and acknowledged again", async () => {
    const { conversation, sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    const first = await say(a, "only once", "same");
    const again = await say(a, "only once", "same");
    expect(again).toMatchObject({ id: first.id, seq: first.seq });
    const count = await runInDurableObject(roomStub(conversation.id), (_i: ChatRoom, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM messages").one(),
    );
    expect(count.n).toBe(1);
    await b.next("message");
    await expect(b.next("message", 200)).rejects.toThrow();
    for (const s of sockets) s.close();
  });

  it("numbers messages in order, one seq each", async () => {
    const { sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    const acks = [];
    for (const text of ["one", "two", "three"]) acks.push(await say(a, text));
    expect(acks.map((x) => x.seq)).toEqual([acks[0]?.seq, (acks[0]?.seq ?? 0) + 1, (acks[0]?.seq ?? 0) + 2]);
    const received = [
      await b.next<MessageFrame>("message"),
      await b.next<MessageFrame>("message"),
      await b.next<MessageFrame>("message"),
    ];
    expect(received.map((f) => f.message.text)).toEqual(["one", "two", "three"]);
    for (const s of sockets) s.close();
  });
});

describe("edit and delete", () => {
  it("lets the sender edit and delete a message; everyone sees it, and history shows what is left", async () => {
    const { conversation, sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    const ack = await say(a, "helo");
    a.send({ type: "edit", id: ack.id, text: "hello" });
    const edited = await b.next<Frame & { id: string; text: string; seq: number }>("edited");
    expect(edited).toMatchObject({ id: ack.id, text: "hello", seq: ack.seq + 1 });
    expect((await storedMessage(conversation.id, ack.id))?.text).toBe("hello");

    a.send({ type: "delete", id: ack.id });
    const deleted = await b.next<Frame & { id: string; seq: number }>("deleted");
    expect(deleted).toMatchObject({ id: ack.id, seq: ack.seq + 2 });
    expect((await storedMessage(conversation.id, ack.id))?.text).toBe("");
    // Both changes also reached the sender's own socket.
    await a.next("edited");
    await a.next("deleted");
    for (const s of sockets) s.close();
  });

  it("refuses changes to someone else's message, to a deleted one and to one that does not exist", async () => {
    const { sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    const ack = await say(a, "mine");
    b.send({ type: "edit", id: ack.id, text: "yours now" });
    expect(await b.next<ErrorFrame>("error")).toMatchObject({ code: "forbidden", for: "edit" });
    b.send({ type: "delete", id: ack.id });
    expect(await b.next<ErrorFrame>("error")).toMatchObject({ code: "forbidden", for: "delete" });
    a.send({ type: "delete", id: ack.id });
    await a.next("deleted");
    a.send({ type: "edit", id: ack.id, text: "back" });
    expect(await a.next<ErrorFrame>("error")).toMatchObject({ code: "not_found", for: "edit" });
    a.send({ type: "delete", id: "msg_01J9Z3V6Q3K8T1M2N4P5R6S7T8" });
    expect(await a.next<ErrorFrame>("error")).toMatchObject({ code: "not_found", for: "delete" });
    for (const s of sockets) s.close();
  });
});

describe("typing, read and ping", () => {
  it("tells the others who is typing, with the current seq, and not the typist", async () => {
    const { people, sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    const ack = await say(a, "hi");
    a.send({ type: "typing" });
    expect(await b.next("typing")).toMatchObject({ userId: people[0]?.user.id, seq: ack.seq });
    await expect(a.next("typing", 200)).rejects.toThrow();
    for (const s of sockets) s.close();
  });

  it("when a member reads up to a seq, then everyone sees it and it is kept; going backwards changes nothing", async () => {
    const { people, conversation, sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    const ack = await say(a, "read me");
    b.send({ type: "read", upTo: ack.seq });
    const read = await a.next<Frame & { userId: string; upTo: number; seq: number }>("read");
    expect(read).toMatchObject({ userId: people[1]?.user.id, upTo: ack.seq, seq: ack.seq + 1 });
    const stored = await runInDurableObject(roomStub(conversation.id), (_i: ChatRoom, state) =>
      state.storage.sql
        .exec("SELECT read_seq FROM members WHERE user_id = ?", people[1]?.user.id ?? "")
        .one(),
    );
    expect(stored.read_seq).toBe(ack.seq);
    b.send({ type: "read", upTo: 0 });
    b.send({ type: "ping", t: 1 });
    await b.next("pong");
    expect(a.frames.filter((f) => f.type === "read")).toHaveLength(1);
    b.send({ type: "read", upTo: ack.seq + 50 });
    expect(await b.next<ErrorFrame>("error")).toMatchObject({ code: "bad_frame", for: "read" });
    for (const s of sockets) s.close();
  });

  it("answers ping with pong and the server time, and the plain text ping with the runtime's pong", async () => {
    const { sockets } = await room(1 + 1);
    const [a] = sockets;
    if (!a) throw new Error("sockets");
    a.send({ type: "ping", t: 42 });
    const pong = await a.next<Frame & { t: number; serverTime: number }>("pong");
    expect(pong.t).toBe(42);
    expect(Math.abs(pong.serverTime - Date.now())).toBeLessThan(5000);
    a.send("ping");
    expect((await a.next<Frame & { data: string }>("text")).data).toBe("pong");
    for (const s of sockets) s.close();
  });
});

describe("bad input", () => {
  it.each([
    ["not JSON", "{nope"],
    ["an unknown type", { type: "shout" }],
    ["an empty text", { type: "send", text: "   ", nonce: "x" }],
    ["a text of invisible characters", { type: "send", text: "\u200b\ufeff\u2060", nonce: "x" }],
    ["a text with a NUL character", { type: "send", text: "a\u0000b", nonce: "x" }],
    ["a text over 4000 characters", { type: "send", text: "x".repeat(4001), nonce: "x" }],
    ["no nonce", { type: "send", text: "hi" }],
    ["an unknown field", { type: "typing", loud: true }],
    ["a malformed message id", { type: "delete", id: "42" }],
    ["a negative seq", { type: "resume", afterSeq: -1 }],
  ])("when a frame is %s, then an error frame answers it and the socket stays open", async (_name, frame) => {
    const { sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    a.send(frame);
    expect((await a.next<ErrorFrame>("error")).code).toBe("bad_frame");
    expect((await say(a, "still here")).id).toMatch(/^msg_/);
    expect(b.frames.some((f) => f.type === "error")).toBe(false);
    for (const s of sockets) s.close();
  });

  it("when a binary frame arrives, then it is refused with an error frame", async () => {
    const { sockets } = await room(2);
    const [a] = sockets;
    if (!a) throw new Error("sockets");
    a.ws.send(new Uint8Array([1, 2, 3]));
    expect((await a.next<ErrorFrame>("error")).code).toBe("bad_frame");
    for (const s of sockets) s.close();
  });

  it("when a frame is over 16 KiB, then the socket is closed with 1009 and nothing is stored", async () => {
    const { conversation, sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    a.send({ type: "send", text: "é".repeat(9000), nonce: "big" });
    expect((await a.whenClosed()).code).toBe(1009);
    const count = await runInDurableObject(roomStub(conversation.id), (_i: ChatRoom, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM messages").one(),
    );
    expect(count.n).toBe(0);
    b.close();
  });
});

describe("rate limits", () => {
  it("when a member sends faster than the limit, then the extra sends get rate_limited and are not stored", async () => {
    const { conversation, sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    for (let i = 0; i < 14; i++) a.send({ type: "send", text: `m${i}`, nonce: `n${i}` });
    const limited = await a.next<ErrorFrame>("error");
    expect(limited).toMatchObject({ code: "rate_limited", for: "send" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const acks = a.frames.filter((f) => f.type === "ack").length;
    const errors = a.frames.filter((f) => f.type === "error").length;
    expect(acks + errors).toBe(14);
    expect(acks).toBeGreaterThanOrEqual(10);
    const count = await runInDurableObject(roomStub(conversation.id), (_i: ChatRoom, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM messages").one(),
    );
    expect(count.n).toBe(acks);
    // The other member is not limited by it.
    expect((await say(b, "my turn")).id).toMatch(/^msg_/);
    for (const s of sockets) s.close();
  });

  it("limits typing to a few at once", async () => {
    const { sockets } = await room(2);
    const [a, b] = sockets;
    if (!a || !b) throw new Error("sockets");
    for (let i = 0; i < 5; i++) a.send({ type: "typing" });
    expect(await a.next<ErrorFrame>("error")).toMatchObject({ code: "rate_limited", for: "typing" });
    for (const s of sockets) s.close();
  });
});
