import { describe, expect, it } from "vitest";
import type { Frame } from "../../../lib/testing/sockets";
import { createSession, join, newAccount } from "./worker";

type PlaybackFrame = Frame & {
  playback: { playing: boolean; position: number; rate: number; at: number };
  by: string;
  seq: number;
};
type ErrorFrame = Frame & { code: string; message: string; for?: string };

async function party(viewers = 1) {
  const host = await newAccount();
  const session = await createSession(host);
  const hostSocket = await join(host, session);
  const guests: {
    account: Awaited<ReturnType<typeof newAccount>>;
    socket: Awaited<ReturnType<typeof join>>;
  }[] = [];
  for (let i = 0; i < viewers; i++) {
    const account = await newAccount();
    guests.push({ account, socket: await join(account, session) });
  }
  const close = () => {
    hostSocket.close();
    for (const guest of guests) guest.socket.close();
  };
  return { host, session, hostSocket, guests, close };
}

describe("clock sync", () => {
  it("answers ping {t} with pong {t, serverTime}", async () => {
    const { hostSocket, close } = await party(0);
    const before = Date.now();
    hostSocket.send({ type: "ping", t: 12345 });
    const pong = await hostSocket.next<Frame & { t: number; serverTime: number }>("pong");
    expect(pong.t).toBe(12345);
    expect(pong.serverTime).toBeGreaterThanOrEqual(before);
    close();
  });

  it("answers a plain 'ping' text frame with 'pong' (the runtime's auto-response)", async () => {
    const { hostSocket, close } = await party(0);
    hostSocket.send("ping");
    expect(await hostSocket.next("text")).toEqual({ type: "text", data: "pong" });
    close();
  }, 5000);
});

describe("playback control", () => {
  it("when the host plays, then everyone gets the same playback, starting a little in the future", async () => {
    const { host, hostSocket, guests, close } = await party(2);
    const before = Date.now();
    hostSocket.send({ type: "play" });
    const frames = await Promise.all(
      [hostSocket, ...guests.map((g) => g.socket)].map((s) => s.next<PlaybackFrame>("playback")),
    );
    for (const frame of frames) expect(frame).toEqual(frames[0]);
    const [frame] = frames as [PlaybackFrame];
    expect(frame.by).toBe(host.user.id);
    expect(frame.playback).toMatchObject({ playing: true, position: 0, rate: 1 });
    expect(frame.playback.at).toBeGreaterThanOrEqual(before + 250);
    close();
  });

  it("pause keeps the position reached; seek and rate change it", async () => {
    const { hostSocket, close } = await party(0);
    hostSocket.send({ type: "seek", position: 42 });
    expect((await hostSocket.next<PlaybackFrame>("playback")).playback).toMatchObject({
      playing: false,
      position: 42,
    });
    hostSocket.send({ type: "rate", rate: 2 });
    expect((await hostSocket.next<PlaybackFrame>("playback")).playback).toMatchObject({
      position: 42,
      rate: 2,
    });
    hostSocket.send({ type: "play" });
    const play = await hostSocket.next<PlaybackFrame>("playback");
    await new Promise((resolve) => setTimeout(resolve, play.playback.at - Date.now() + 200));
    hostSocket.send({ type: "pause" });
    const pause = await hostSocket.next<PlaybackFrame>("playback");
    expect(pause.playback.playing).toBe(false);
    // About 0.2 s at rate 2 went by: the position moved on by about 0.4 s.
    expect(pause.playback.position).toBeGreaterThan(42.3);
    expect(pause.playback.position).toBeLessThan(43.5);
    close();
  });

  it("when a viewer tries to control playback, then they get an error frame and nothing changes", async () => {
    const { hostSocket, guests, close } = await party(1);
    const viewer = guests[0]?.socket;
    if (!viewer) throw new Error("no viewer");
    for (const frame of [
      { type: "play" },
      { type: "pause" },
      { type: "seek", position: 5 },
      { type: "rate", rate: 2 },
    ]) {
      viewer.send(frame);
      const error = await viewer.next<ErrorFrame>("error");
      expect(error).toMatchObject({ code: "forbidden", for: frame.type });
    }
    hostSocket.send({ type: "ping", t: 1 });
    await hostSocket.next("pong");
    expect(hostSocket.frames.filter((f) => f.type === "playback")).toEqual([]);
    close();
  });

  it("when the host turns on 'everyone controls', then viewers may control playback", async () => {
    const { hostSocket, guests, close } = await party(1);
    const viewer = guests[0]?.socket;
    if (!viewer) throw new Error("no viewer");
    hostSocket.send({ type: "controls", everyone: true });
    expect(
      (await viewer.next<Frame & { session: { everyoneControls: boolean } }>("session")).session
        .everyoneControls,
    ).toBe(true);
    viewer.send({ type: "seek", position: 10 });
    expect((await hostSocket.next<PlaybackFrame>("playback")).playback.position).toBe(10);
    close();
  });

  it("when the host makes a viewer co-host, then they may control playback", async () => {
    const { hostSocket, guests, close } = await party(1);
    const guest = guests[0];
    if (!guest) throw new Error("no guest");
    hostSocket.send({ type: "role", userId: guest.account.user.id, role: "cohost" });
    const presence = await guest.socket.next<Frame & { participants: { userId: string; role: string }[] }>(
      "presence",
      2000,
      (f) => f.participants.some((p) => p.role === "cohost"),
    );
    expect(presence.participants.find((p) => p.userId === guest.account.user.id)?.role).toBe("cohost");
    guest.socket.send({ type: "play" });
    expect((await hostSocket.next<PlaybackFrame>("playback")).by).toBe(guest.account.user.id);
    close();
  });
});

describe("chat and reactions", () => {
  it("when someone chats, then everyone gets the stored message with the sender's nonce", async () => {
    const { guests, hostSocket, close } = await party(1);
    const sender = guests[0];
    if (!sender) throw new Error("no guest");
    sender.socket.send({ type: "chat", text: "  hello there ", nonce: "n-1" });
    const [own, other] = await Promise.all([
      sender.socket.next<Frame & { message: Record<string, unknown> }>("chat"),
      hostSocket.next<Frame & { message: Record<string, unknown> }>("chat"),
    ]);
    expect(own.message).toEqual(other.message);
    expect(own.message).toMatchObject({
      text: "hello there",
      nonce: "n-1",
      userId: sender.account.user.id,
      handle: sender.account.handle,
    });
    close();
  });

  it("when a chat is resent with the same nonce, then it is stored and shown once, and the sender gets its copy again", async () => {
    const { guests, hostSocket, close } = await party(1);
    const sender = guests[0];
    if (!sender) throw new Error("no guest");
    for (let i = 0; i < 3; i++) sender.socket.send({ type: "chat", text: "once", nonce: "retry-1" });
    sender.socket.send({ type: "ping", t: 1 });
    await sender.socket.next("pong");
    hostSocket.send({ type: "ping", t: 2 });
    await hostSocket.next("pong");
    const chats = (frames: Frame[]) =>
      frames.filter((f) => f.type === "chat") as (Frame & { message: { id: string; nonce?: string } })[];
    const seen = chats(hostSocket.frames);
    expect(seen).toHaveLength(1);
    const own = chats(sender.socket.frames);
    expect(own).toHaveLength(3);
    expect(new Set(own.map((f) => f.message.id))).toEqual(new Set([seen[0]?.message.id]));
    close();
  });

  it("when someone chats too fast, then the excess gets rate_limited errors and is not stored", async () => {
    const { hostSocket, close } = await party(0);
    for (let i = 0; i < 8; i++) hostSocket.send({ type: "chat", text: `m${i}` });
    const error = await hostSocket.next<ErrorFrame>("error");
    expect(error).toMatchObject({ code: "rate_limited", for: "chat" });
    hostSocket.send({ type: "ping", t: 1 });
    await hostSocket.next("pong");
    expect(hostSocket.frames.filter((f) => f.type === "chat").length).toBeLessThanOrEqual(6);
    close();
  });

  it("broadcasts reactions", async () => {
    const { host, guests, hostSocket, close } = await party(1);
    hostSocket.send({ type: "react", emoji: "🎉" });
    const reaction = await guests[0]?.socket.next<Frame & { emoji: string; userId: string }>("reaction");
    expect(reaction).toMatchObject({ emoji: "🎉", userId: host.user.id });
    close();
  });

  it("numbers every broadcast with a rising seq", async () => {
    const { hostSocket, close } = await party(0);
    hostSocket.send({ type: "chat", text: "a" });
    hostSocket.send({ type: "react", emoji: "👍" });
    hostSocket.send({ type: "seek", position: 1 });
    await hostSocket.next("chat");
    await hostSocket.next("reaction");
    await hostSocket.next("playback");
    // Every frame since the welcome, in order (the join's presence frame may come in between).
    const seqs = hostSocket.frames.map((f) => f.seq as number);
    expect(hostSocket.frames.map((f) => f.type)).toEqual(
      expect.arrayContaining(["welcome", "chat", "reaction", "playback"]),
    );
    expect(seqs.slice(1)).toEqual(seqs.slice(1).map((_, i) => (seqs[0] ?? 0) + i + 1));
    close();
  });
});

describe("bad frames", () => {
  it.each([
    ["not JSON", "{nope"],
    ["an unknown type", JSON.stringify({ type: "dance" })],
    ["a missing field", JSON.stringify({ type: "seek" })],
    ["an unknown field", JSON.stringify({ type: "play", force: true })],
    ["a rate out of range", JSON.stringify({ type: "rate", rate: 10 })],
    ["chat over 2000 characters", JSON.stringify({ type: "chat", text: "x".repeat(2001) })],
    ["chat of only NUL characters", JSON.stringify({ type: "chat", text: "\u0000" })],
    ["chat of only invisible characters", JSON.stringify({ type: "chat", text: "\u200b\u034f" })],
  ])("%s gets an error frame and disturbs nobody", async (_name, raw) => {
    const { hostSocket, guests, close } = await party(1);
    hostSocket.send(raw);
    expect((await hostSocket.next<ErrorFrame>("error")).code).toBe("bad_frame");
    hostSocket.send({ type: "chat", text: "still here" });
    expect((await guests[0]?.socket.next<Frame & { message: { text: string } }>("chat"))?.message.text).toBe(
      "still here",
    );
    close();
  });

  it("a binary frame gets an error frame", async () => {
    const { hostSocket, close } = await party(0);
    hostSocket.ws.send(new Uint8Array([1, 2, 3]));
    expect((await hostSocket.next<ErrorFrame>("error")).code).toBe("bad_frame");
    close();
  });

  it("a frame over 16 KiB closes that socket with 1009, and the others stay", async () => {
    const { hostSocket, guests, close } = await party(1);
    const guest = guests[0];
    if (!guest) throw new Error("no guest");
    guest.socket.send(JSON.stringify({ type: "chat", text: "x".repeat(17 * 1024) }));
    expect((await guest.socket.whenClosed()).code).toBe(1009);
    hostSocket.send({ type: "ping", t: 2 });
    expect((await hostSocket.next<Frame & { t: number }>("pong")).t).toBe(2);
    close();
  });
});
