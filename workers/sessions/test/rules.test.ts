import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { WATCH_LIMITS } from "../../../durable-objects/watch-session/limits";
import { request } from "../../../lib/testing/http";
import type { Frame, TestSocket } from "../../../lib/testing/sockets";
import { call, createSession, join, newAccount, ticketFor, tryJoin } from "./worker";

type PlaybackFrame = Frame & {
  playback: { playing: boolean; position: number; at: number };
  by: string;
  reason?: string;
};
type PresenceFrame = Frame & { participants: { userId: string; role: string }[] };
type SessionFrame = Frame & { session: { hostId: string; locked: boolean; mediaUrl: string } };
type QueueFrame = Frame & { items: { id: string; mediaUrl: string; title: string | null }[] };

const closeAll = (...sockets: TestSocket[]) => {
  for (const socket of sockets) socket.close();
};

describe("wait for everyone", () => {
  it("when a participant buffers, then playback holds for all and resumes together when nobody does", async () => {
    const host = await newAccount();
    const guest = await newAccount();
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    a.send({ type: "play" });
    await b.next<PlaybackFrame>("playback");
    await a.next<PlaybackFrame>("playback");

    b.send({ type: "buffering", buffering: true });
    const held = await a.next<PlaybackFrame>("playback");
    expect(held).toMatchObject({ by: "system", reason: "buffering", playback: { playing: false } });
    expect((await b.next<PlaybackFrame>("playback")).playback).toEqual(held.playback);

    // A play while someone buffers keeps the hold.
    a.send({ type: "play" });
    a.send({ type: "ping", t: 1 });
    await a.next("pong");
    expect(a.frames.filter((f) => f.type === "playback")).toHaveLength(2);

    const before = Date.now();
    b.send({ type: "buffering", buffering: false });
    const resumed = await a.next<PlaybackFrame>("playback");
    expect(resumed).toMatchObject({
      by: "system",
      reason: "ready",
      playback: { playing: true, position: held.playback.position },
    });
    expect(resumed.playback.at).toBeGreaterThanOrEqual(before + 250);
    closeAll(a, b);
  });

  it("when the buffering participant leaves, then playback resumes", async () => {
    const host = await newAccount();
    const guest = await newAccount();
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    a.send({ type: "play" });
    await a.next<PlaybackFrame>("playback");
    b.send({ type: "buffering", buffering: true });
    await a.next<PlaybackFrame>("playback", 2000, (f) => f.reason === "buffering");
    b.close();
    expect(
      (await a.next<PlaybackFrame>("playback", 2000, (f) => f.reason === "ready")).playback.playing,
    ).toBe(true);
    a.close();
  });
});

describe("host hand-over", () => {
  it("when the host leaves, then a co-host becomes host", async () => {
    const [host, viewer, cohost] = [await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(viewer, session);
    const c = await join(cohost, session);
    a.send({ type: "role", userId: cohost.user.id, role: "cohost" });
    await b.next<PresenceFrame>("presence", 2000, (f) => f.participants.some((p) => p.role === "cohost"));

    a.close();
    const handOver = await b.next<SessionFrame>("session", 3000);
    expect(handOver.session.hostId).toBe(cohost.user.id);
    const presence = await b.next<PresenceFrame>("presence", 2000, (f) =>
      f.participants.every((p) => p.userId !== host.user.id),
    );
    expect(presence.participants.map((p) => p.userId)).toEqual([viewer.user.id, cohost.user.id]);
    expect(presence.participants.find((p) => p.userId === cohost.user.id)?.role).toBe("host");
    c.send({ type: "kick", userId: viewer.user.id });
    expect((await b.whenClosed()).code).toBe(4003);
    c.close();
  });

  it("when the host leaves and there is no co-host, then the longest-present participant becomes host", async () => {
    const [host, first, second] = [await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(first, session);
    const c = await join(second, session);
    a.close();
    expect((await c.next<SessionFrame>("session", 3000)).session.hostId).toBe(first.user.id);
    b.send({ type: "seek", position: 3 });
    expect((await c.next<PlaybackFrame>("playback")).by).toBe(first.user.id);
    closeAll(b, c);
  });

  it("when the old host comes back, then they are a co-host and may still end the session", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    a.close();
    await b.next<SessionFrame>("session", 3000);
    const back = await join(host, session);
    // b's first presence frame may still list the host as host (b's own join): wait for the return.
    const presence = await b.next<PresenceFrame>("presence", 2000, (f) =>
      f.participants.some((p) => p.userId === host.user.id && p.role !== "host"),
    );
    expect(presence.participants).toHaveLength(2);
    expect(presence.participants.find((p) => p.userId === host.user.id)?.role).toBe("cohost");
    closeAll(back, b);
  });
});

describe("kick", () => {
  it("closes the kicked user's sockets with 4003, and they cannot come back with a new ticket", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    const both = await a.next<PresenceFrame>("presence", 2000, (f) => f.participants.length === 2);
    a.send({ type: "kick", userId: guest.user.id });
    // Told first, in a frame: the close event can come seconds later (docs/decisions.md, 23).
    expect(await b.next("closing")).toEqual({
      type: "closing",
      code: 4003,
      reason: "removed from the session by the host",
    });
    expect(await b.whenClosed()).toEqual({ code: 4003, reason: "removed from the session by the host" });
    const presence = await a.next<PresenceFrame>("presence", 2000, (f) => Number(f.seq) > Number(both.seq));
    expect(presence.participants.map((p) => p.userId)).toEqual([host.user.id]);
    const again = await ticketFor(guest, session.id, session.inviteCode);
    expect(again.status).toBe(403);
    a.close();
  });

  it("is the host's alone, and the host cannot be kicked", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    b.send({ type: "kick", userId: host.user.id });
    expect(await b.next("error")).toMatchObject({ code: "forbidden", for: "kick" });
    a.send({ type: "kick", userId: host.user.id });
    expect(await a.next("error")).toMatchObject({ code: "conflict" });
    closeAll(a, b);
  });
});

describe("kick, when the creator has stepped out", () => {
  it("is refused to the heir host: the creator may come back to their own session", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    a.close();
    expect((await b.next<SessionFrame>("session", 3000)).session.hostId).toBe(guest.user.id);
    b.send({ type: "kick", userId: host.user.id });
    expect(await b.next("error")).toMatchObject({
      code: "forbidden",
      for: "kick",
      message: expect.stringContaining("creator"),
    });
    const back = await join(host, session);
    closeAll(back, b);
  });
});

describe("lock", () => {
  it("admits no new participants while locked, but lets members back in", async () => {
    const [host, member, newcomer] = [await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(member, session);
    a.send({ type: "lock", locked: true });
    expect((await b.next<SessionFrame>("session")).session.locked).toBe(true);

    expect((await tryJoin(newcomer, session)).status).toBe(403);
    b.close();
    const back = await tryJoin(member, session);
    expect(back.status).toBe(101);

    a.send({ type: "lock", locked: false });
    await a.next<SessionFrame>("session", 2000, (f) => !f.session.locked);
    const late = await tryJoin(newcomer, session);
    expect(late.status).toBe(101);
    closeAll(a, ...(back.socket ? [back.socket] : []), ...(late.socket ? [late.socket] : []));
  });
});

describe("playlist", () => {
  it("adds, moves, removes and moves on to the next item, which becomes the media", async () => {
    const [host, viewer] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(viewer, session);
    a.send({ type: "queue", op: { op: "add", mediaUrl: "https://m.example/1.mp4", title: "One" } });
    a.send({ type: "queue", op: { op: "add", mediaUrl: "https://m.example/2.mp4" } });
    await b.next<QueueFrame>("queue");
    const two = await b.next<QueueFrame>("queue");
    expect(two.items.map((i) => i.title)).toEqual(["One", null]);

    const [first, second] = two.items as [QueueFrame["items"][0], QueueFrame["items"][0]];
    a.send({ type: "queue", op: { op: "move", id: second.id, to: 0 } });
    expect((await b.next<QueueFrame>("queue")).items.map((i) => i.id)).toEqual([second.id, first.id]);

    a.send({ type: "queue", op: { op: "next" } });
    expect((await b.next<SessionFrame>("session")).session.mediaUrl).toBe("https://m.example/2.mp4");
    expect((await b.next<PlaybackFrame>("playback")).playback.position).toBe(0);
    expect((await b.next<QueueFrame>("queue")).items.map((i) => i.id)).toEqual([first.id]);
    const detail = await call(request("GET", `/v1/sessions/${session.id}`, { token: host.accessToken }));
    expect(((await detail.json()) as { mediaUrl: string }).mediaUrl).toBe("https://m.example/2.mp4");

    a.send({ type: "queue", op: { op: "remove", id: first.id } });
    expect((await b.next<QueueFrame>("queue")).items).toEqual([]);
    a.send({ type: "queue", op: { op: "next" } });
    expect(await a.next("error")).toMatchObject({ code: "not_found", for: "queue" });

    b.send({ type: "queue", op: { op: "add", mediaUrl: "https://m.example/3.mp4" } });
    expect(await b.next("error")).toMatchObject({ code: "forbidden", for: "queue" });
    closeAll(a, b);
  });

  it("holds at most maxQueueItems: one more is refused and the playlist stays as it was", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const a = await join(host, session);
    for (let i = 0; i < WATCH_LIMITS.maxQueueItems; i++) {
      a.send({ type: "queue", op: { op: "add", mediaUrl: `https://m.example/${i}.mp4` } });
    }
    for (let i = 0; i < WATCH_LIMITS.maxQueueItems; i++) await a.next<QueueFrame>("queue");
    a.send({ type: "queue", op: { op: "add", mediaUrl: "https://m.example/one-more.mp4" } });
    expect(await a.next("error")).toMatchObject({ code: "conflict", for: "queue" });
    a.send({ type: "queue", op: { op: "next" } });
    expect((await a.next<QueueFrame>("queue")).items).toHaveLength(WATCH_LIMITS.maxQueueItems - 1);
    a.close();
  });

  it("refuses a media URL that is not http(s) or a media path", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const a = await join(host, session);
    a.send({ type: "queue", op: { op: "add", mediaUrl: "javascript:alert(1)" } });
    expect((await a.next("error")).code).toBe("bad_frame");
    a.close();
  });
});

describe("membership in the index", () => {
  it("is recorded by the room's alarm: members then see a private session without the code", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const b = await join(guest, session);
    const { runDurableObjectAlarm } = await import("cloudflare:test");
    const { roomStub } = await import("./worker");
    await runDurableObjectAlarm(roomStub(session.id));
    const row = await env.DB.prepare("SELECT participant_count FROM watch_sessions WHERE id = ?")
      .bind(session.id)
      .first();
    expect(row).toEqual({ participant_count: 1 });
    const member = await env.DB.prepare("SELECT user_id FROM session_members WHERE session_id = ?")
      .bind(session.id)
      .all();
    expect(member.results).toEqual([{ user_id: guest.user.id }]);
    const ticket = await ticketFor(guest, session.id);
    expect(ticket.status).toBe(201);
    b.close();
  });
});

describe("presence", () => {
  it("when several people join at once, then the others get one presence frame for the burst, listing everyone", async () => {
    const host = await newAccount();
    const guests = [await newAccount(), await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const alone = await a.next<PresenceFrame>("presence", 2000);
    expect(alone.participants.map((p) => p.userId)).toEqual([host.user.id]);

    const sockets = await Promise.all(guests.map((guest) => join(guest, session)));

    const everyone = [host, ...guests].map((account) => account.user.id).sort();
    const full = await a.next<PresenceFrame>("presence", 3000, (f) => f.participants.length === 5);
    expect(full.participants.map((p) => p.userId).sort()).toEqual(everyone);
    expect(full.participants.find((p) => p.userId === host.user.id)?.role).toBe("host");
    // Each joiner's welcome already listed everyone present when they came, themselves included.
    for (const [index, socket] of sockets.entries()) {
      const welcome = socket.frames[0] as Frame & { participants: { userId: string }[] };
      expect(welcome.type).toBe("welcome");
      expect(welcome.participants.map((p) => p.userId)).toContain(guests[index]?.user.id);
    }
    // One frame per join would be four; the burst was told in fewer (one, unless the joins were slow).
    const told = a.frames.filter((f) => f.type === "presence" && f !== alone);
    expect(told.length).toBeLessThan(guests.length);
    closeAll(a, ...sockets);
  });

  it("when people leave, then the rest are told in one presence frame a moment later", async () => {
    const [host, first, second] = [await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(first, session);
    const c = await join(second, session);
    const three = await a.next<PresenceFrame>("presence", 2000, (f) => f.participants.length === 3);

    closeAll(b, c);

    const after = await a.next<PresenceFrame>(
      "presence",
      2000,
      (f) => Number(f.seq) > Number(three.seq) && f.participants.length === 1,
    );
    expect(after.participants.map((p) => p.userId)).toEqual([host.user.id]);
    a.send({ type: "ping", t: 1 });
    await a.next("pong");
    const later = a.frames.filter((f) => f.type === "presence" && Number(f.seq) > Number(three.seq));
    expect(later).toHaveLength(1);
    a.close();
  });
});
