import { describe, expect, it } from "vitest";
import { errorOf } from "../../../lib/testing/http";
import type { Frame } from "../../../lib/testing/sockets";
import {
  callWith,
  createCall,
  type ErrorFrame,
  guest,
  join,
  newAccount,
  type RosterFrame,
  ticketFor,
  tryJoin,
} from "./worker";

describe("host rules: mute", () => {
  it("when the host mutes a member, then they get muted and everyone sees their microphone off", async () => {
    const party = await callWith(1);
    const b = guest(party);
    b.socket.send({ type: "media", audio: true, video: true, screen: false });
    await party.hostSocket.next<RosterFrame>("roster", 2000, (f) => f.members.some((m) => m.media.audio));
    party.hostSocket.send({ type: "mute", userId: b.account.user.id });
    expect(await b.socket.next("muted")).toMatchObject({ by: party.host.user.id });
    const roster = await party.hostSocket.next<RosterFrame>("roster", 2000, (f) =>
      f.members.every((m) => !m.media.audio),
    );
    expect(roster.members.find((m) => m.userId === b.account.user.id)?.media).toEqual({
      audio: false,
      video: true,
      screen: false,
    });
    party.close();
  });

  it("when a member who is not the host tries to mute or kick, then they get forbidden and nothing happens", async () => {
    const party = await callWith(2);
    const [b, c] = [guest(party, 0), guest(party, 1)];
    b.socket.send({ type: "mute", userId: c.account.user.id });
    expect(await b.socket.next<ErrorFrame>("error")).toMatchObject({ code: "forbidden", for: "mute" });
    b.socket.send({ type: "kick", userId: c.account.user.id });
    expect(await b.socket.next<ErrorFrame>("error")).toMatchObject({ code: "forbidden", for: "kick" });
    c.socket.send({ type: "ping", t: 1 });
    await c.socket.next("pong");
    expect(c.socket.frames.filter((f) => f.type === "muted")).toEqual([]);
    expect(c.socket.closed).toBeNull();
    party.close();
  });

  it("answers a mute of someone who is not here with not_found", async () => {
    const party = await callWith(0);
    party.hostSocket.send({ type: "mute", userId: "usr_01J9Z3V6Q3K8T1M2N4P5R6S7T8" });
    expect(await party.hostSocket.next<ErrorFrame>("error")).toMatchObject({
      code: "not_found",
      for: "mute",
    });
    party.close();
  });
});

describe("host rules: kick", () => {
  it("when the host kicks a member, then their socket closes with 4003, the rest see left, and they cannot come back", async () => {
    const party = await callWith(2);
    const [b, c] = [guest(party, 0), guest(party, 1)];
    party.hostSocket.send({ type: "kick", userId: b.account.user.id });
    expect(await b.socket.next("closing")).toMatchObject({ code: 4003 });
    expect((await b.socket.whenClosed()).code).toBe(4003);
    expect(await c.socket.next("left")).toMatchObject({ userId: b.account.user.id, reason: "kicked" });
    const refused = await ticketFor(b.account, party.created.id, party.created.inviteCode);
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/removed/);
    party.close();
  });

  it("refuses to kick the host", async () => {
    const party = await callWith(0);
    party.hostSocket.send({ type: "kick", userId: party.host.user.id });
    expect(await party.hostSocket.next<ErrorFrame>("error")).toMatchObject({ code: "conflict", for: "kick" });
    party.close();
  });
});

describe("room size", () => {
  it("when a mesh call is full, then the next person gets 403 and a member may still rejoin", async () => {
    // The tests' mesh cap is 3 (MESH_MAX_MEMBERS in vitest.config.ts; 6 by default).
    const party = await callWith(2);
    const fourth = await newAccount();
    const refused = await ticketFor(fourth, party.created.id, party.created.inviteCode);
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/full/);
    const again = await tryJoin(guest(party).account, party.created);
    expect(again.status).toBe(101);
    again.socket?.close();
    party.close();
  });

  it("an SFU call takes more than the mesh cap", async () => {
    const host = await newAccount();
    const created = await createCall(host, { mode: "sfu" });
    const sockets = [await join(host, created)];
    for (let i = 0; i < 3; i++) sockets.push(await join(await newAccount(), created));
    const last = sockets.at(-1);
    const roster = last?.frames.find((f) => f.type === "roster") as RosterFrame;
    expect(roster.members).toHaveLength(4);
    for (const socket of sockets) socket.close();
  });
});

describe("one connection per member", () => {
  it("when a member joins again, then the old socket closes with 4009 and the others see left then joined", async () => {
    const party = await callWith(1);
    const b = guest(party);
    const second = await join(b.account, party.created);
    expect(await b.socket.next("closing")).toMatchObject({ code: 4009 });
    expect((await b.socket.whenClosed()).code).toBe(4009);
    expect(await party.hostSocket.next("left")).toMatchObject({
      userId: b.account.user.id,
      reason: "replaced",
    });
    expect(
      (await party.hostSocket.next<Frame & { member: { userId: string } }>("joined")).member.userId,
    ).toBe(b.account.user.id);
    const roster = second.frames.find((f) => f.type === "roster") as RosterFrame;
    expect(roster.members.map((m) => m.userId)).toEqual([party.host.user.id, b.account.user.id]);
    second.close();
    party.close();
  });
});

describe("host role", () => {
  it("when the host leaves, then the longest-present member becomes host and may mute", async () => {
    const party = await callWith(2);
    const [b, c] = [guest(party, 0), guest(party, 1)];
    party.hostSocket.close();
    expect(await b.socket.next("left")).toMatchObject({ userId: party.host.user.id, reason: "left" });
    const roster = await b.socket.next<RosterFrame>(
      "roster",
      2000,
      (f) => f.call.hostId === b.account.user.id,
    );
    expect(roster.members.find((m) => m.role === "host")?.userId).toBe(b.account.user.id);
    b.socket.send({ type: "mute", userId: c.account.user.id });
    expect(await c.socket.next("muted")).toMatchObject({ by: b.account.user.id });
    party.close();
  });

  it("when the creator comes back, then the heir host may not kick them out of their own call", async () => {
    const party = await callWith(1);
    const b = guest(party, 0);
    party.hostSocket.close();
    await b.socket.next<RosterFrame>("roster", 2000, (f) => f.call.hostId === b.account.user.id);
    const creator = await join(party.host, party.created);
    b.socket.send({ type: "kick", userId: party.host.user.id });
    expect(await b.socket.next<ErrorFrame>("error")).toMatchObject({
      code: "forbidden",
      for: "kick",
      message: expect.stringContaining("creator"),
    });
    creator.close();
    party.close();
  });
});
