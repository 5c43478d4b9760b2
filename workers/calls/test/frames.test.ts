import { describe, expect, it } from "vitest";
import type { Frame } from "../../../lib/testing/sockets";
import { callWith, type ErrorFrame, guest, join, newAccount, type RosterFrame } from "./worker";

type SignalFrame = Frame & { from: string; data: Record<string, unknown> };
const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" };
const CANDIDATE = {
  candidate: "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host",
  sdpMid: "0",
  sdpMLineIndex: 0,
};

describe("joining", () => {
  it("gives the newcomer the roster and tells the others who joined", async () => {
    const party = await callWith(0);
    const friend = await newAccount();
    const socket = await join(friend, party.created);
    const roster = socket.frames.find((f) => f.type === "roster") as RosterFrame;
    expect(roster.call).toMatchObject({
      id: party.created.id,
      hostId: party.host.user.id,
      mode: "mesh",
      maxMembers: 3,
    });
    expect(roster.members.map((m) => [m.userId, m.role])).toEqual([
      [party.host.user.id, "host"],
      [friend.user.id, "member"],
    ]);
    expect(roster.members[1]).toMatchObject({
      handle: friend.handle,
      hand: false,
      media: { audio: false, video: false, screen: false },
    });
    const joined = await party.hostSocket.next<Frame & { member: { userId: string } }>("joined");
    expect(joined.member.userId).toBe(friend.user.id);
    socket.close();
    party.close();
  });
});

describe("signal relay", () => {
  it("passes an offer and a candidate to the one member named, and to nobody else", async () => {
    const party = await callWith(2);
    const [b, c] = [guest(party, 0), guest(party, 1)];
    party.hostSocket.send({ type: "signal", to: b.account.user.id, data: OFFER });
    party.hostSocket.send({ type: "signal", to: b.account.user.id, data: CANDIDATE });
    const offer = await b.socket.next<SignalFrame>("signal");
    expect(offer).toEqual({ type: "signal", from: party.host.user.id, data: OFFER });
    expect((await b.socket.next<SignalFrame>("signal")).data).toEqual(CANDIDATE);
    b.socket.send({ type: "signal", to: party.host.user.id, data: { type: "answer", sdp: "v=0\r\n" } });
    expect((await party.hostSocket.next<SignalFrame>("signal")).from).toBe(b.account.user.id);

    c.socket.send({ type: "ping", t: 1 });
    await c.socket.next("pong");
    expect(c.socket.frames.filter((f) => f.type === "signal")).toEqual([]);
    party.close();
  });

  it("refuses a signal to someone who is not in this call, even a member of another call", async () => {
    const party = await callWith(0);
    const other = await callWith(0);
    party.hostSocket.send({ type: "signal", to: other.host.user.id, data: OFFER });
    expect(await party.hostSocket.next<ErrorFrame>("error")).toMatchObject({
      code: "not_found",
      for: "signal",
    });
    other.hostSocket.send({ type: "ping", t: 2 });
    await other.hostSocket.next("pong");
    expect(other.hostSocket.frames.filter((f) => f.type === "signal")).toEqual([]);
    party.close();
    other.close();
  });

  it("refuses a signal to oneself", async () => {
    const party = await callWith(0);
    party.hostSocket.send({ type: "signal", to: party.host.user.id, data: OFFER });
    expect(await party.hostSocket.next<ErrorFrame>("error")).toMatchObject({
      code: "bad_frame",
      for: "signal",
    });
    party.close();
  });

  it("refuses signal data over 12 KiB with payload_too_large, and relays nothing", async () => {
    const party = await callWith(1);
    const b = guest(party);
    // 12 KiB of SDP: under the 16 KiB frame cap, but over the signal cap once wrapped in its data.
    party.hostSocket.send({
      type: "signal",
      to: b.account.user.id,
      data: { type: "offer", sdp: "x".repeat(12 * 1024) },
    });
    party.hostSocket.send({ type: "signal", to: b.account.user.id, data: CANDIDATE });
    expect(await party.hostSocket.next<ErrorFrame>("error")).toMatchObject({
      code: "payload_too_large",
      for: "signal",
    });
    const relayed = await b.socket.next<SignalFrame>("signal");
    expect(relayed.data).toMatchObject({ candidate: CANDIDATE.candidate });
    expect(b.socket.frames.filter((f) => f.type === "signal")).toHaveLength(1);
    party.close();
  });

  it.each([
    ["an unknown SDP type", { type: "signal", to: "usr_x", data: { type: "hello", sdp: "v=0" } }],
    ["a candidate with an unknown field", { type: "signal", to: "usr_x", data: { ...CANDIDATE, extra: 1 } }],
    ["no recipient", { type: "signal", data: OFFER }],
  ])("answers %s with bad_frame", async (_name, frame) => {
    const party = await callWith(0);
    party.hostSocket.send(frame);
    expect((await party.hostSocket.next<ErrorFrame>("error")).code).toBe("bad_frame");
    party.close();
  });

  it("rate-limits a flood of signals", async () => {
    const party = await callWith(1);
    const b = guest(party);
    for (let i = 0; i < 200; i++)
      party.hostSocket.send({ type: "signal", to: b.account.user.id, data: CANDIDATE });
    expect(await party.hostSocket.next<ErrorFrame>("error")).toMatchObject({
      code: "rate_limited",
      for: "signal",
    });
    party.close();
  });
});

describe("media and hands", () => {
  it("when a member changes their media or raises a hand, then everyone gets the roster with it", async () => {
    const party = await callWith(1);
    const b = guest(party);
    b.socket.send({ type: "media", audio: true, video: false, screen: true });
    const roster = await party.hostSocket.next<RosterFrame>("roster", 2000, (f) =>
      f.members.some((m) => m.media.screen),
    );
    expect(roster.members.find((m) => m.userId === b.account.user.id)?.media).toEqual({
      audio: true,
      video: false,
      screen: true,
    });
    b.socket.send({ type: "hand", raised: true });
    const raised = await party.hostSocket.next<RosterFrame>("roster", 2000, (f) =>
      f.members.some((m) => m.hand),
    );
    expect(raised.members.find((m) => m.hand)?.userId).toBe(b.account.user.id);
    party.close();
  });

  it("answers a media frame missing a field with bad_frame and changes nothing", async () => {
    const party = await callWith(0);
    party.hostSocket.send({ type: "media", audio: true });
    expect((await party.hostSocket.next<ErrorFrame>("error")).code).toBe("bad_frame");
    party.close();
  });
});

describe("liveness and bad frames", () => {
  it("answers ping {t} with pong {t, serverTime}, and a plain 'ping' with 'pong'", async () => {
    const party = await callWith(0);
    const before = Date.now();
    party.hostSocket.send({ type: "ping", t: 42 });
    const pong = await party.hostSocket.next<Frame & { t: number; serverTime: number }>("pong");
    expect(pong.t).toBe(42);
    expect(pong.serverTime).toBeGreaterThanOrEqual(before);
    party.hostSocket.send("ping");
    expect(await party.hostSocket.next("text")).toEqual({ type: "text", data: "pong" });
    party.close();
  });

  it.each([
    ["not JSON", "{nope"],
    ["an unknown type", JSON.stringify({ type: "dance" })],
    ["an unknown field", JSON.stringify({ type: "hand", raised: true, loud: true })],
  ])("%s gets an error frame and disturbs nobody", async (_name, raw) => {
    const party = await callWith(1);
    party.hostSocket.send(raw);
    expect((await party.hostSocket.next<ErrorFrame>("error")).code).toBe("bad_frame");
    party.hostSocket.send({ type: "signal", to: guest(party).account.user.id, data: OFFER });
    expect((await guest(party).socket.next<SignalFrame>("signal")).data).toEqual(OFFER);
    party.close();
  });

  it("a binary frame gets an error frame", async () => {
    const party = await callWith(0);
    party.hostSocket.ws.send(new Uint8Array([1, 2, 3]));
    expect((await party.hostSocket.next<ErrorFrame>("error")).code).toBe("bad_frame");
    party.close();
  });

  it("a frame over 16 KiB closes that socket with 1009; the others are told it left", async () => {
    const party = await callWith(1);
    const b = guest(party);
    b.socket.send(
      JSON.stringify({
        type: "signal",
        to: party.host.user.id,
        data: { type: "offer", sdp: "x".repeat(17 * 1024) },
      }),
    );
    expect((await b.socket.whenClosed()).code).toBe(1009);
    expect(await party.hostSocket.next("left")).toMatchObject({ userId: b.account.user.id, reason: "left" });
    party.hostSocket.send({ type: "ping", t: 3 });
    expect((await party.hostSocket.next<Frame & { t: number }>("pong")).t).toBe(3);
    party.close();
  });
});
