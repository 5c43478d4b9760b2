import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../../lib/testing/sockets";
import { createSession, join, newAccount, roomStub } from "./worker";

type Welcome = Frame & {
  chat: { text: string }[];
  playback: { position: number };
  participants: { userId: string }[];
  seq: number;
};

describe("reconnect", () => {
  it("gives a returning participant the chat, playback and presence they missed", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    b.close();
    a.send({ type: "chat", text: "while you were away" });
    a.send({ type: "seek", position: 77 });
    await a.next("playback");

    const back = await join(guest, session);
    const welcome = back.frames.find((f) => f.type === "welcome") as Welcome;
    expect(welcome.chat.map((m) => m.text)).toEqual(["while you were away"]);
    expect(welcome.playback.position).toBe(77);
    expect(welcome.participants.map((p) => p.userId).sort()).toEqual([host.user.id, guest.user.id].sort());
    expect(welcome.seq).toBeGreaterThan(0);
    a.close();
    back.close();
  });
});

describe("eviction", () => {
  it("when the object is evicted, then its sockets stay open and it rebuilds everything from storage", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    a.send({ type: "role", userId: guest.user.id, role: "cohost" });
    a.send({ type: "seek", position: 12 });
    a.send({ type: "chat", text: "before" });
    const lastSeq = ((await b.next("chat")).seq as number) ?? 0;

    await evictDurableObject(roomStub(session.id));

    b.send({ type: "seek", position: 30 });
    const playback = await a.next<Frame & { playback: { position: number }; by: string; seq: number }>(
      "playback",
      3000,
      (f) => f.by === guest.user.id,
    );
    expect(playback.playback.position).toBe(30);
    expect(playback.seq).toBeGreaterThan(lastSeq);
    a.send({ type: "chat", text: "after" });
    expect(
      (await b.next<Frame & { message: { text: string } }>("chat", 3000, (f) => f.message.text === "after"))
        .message.text,
    ).toBe("after");
    const history = await roomStub(session.id).history({ limit: 10 });
    expect(history?.map((m) => m.text)).toEqual(["after", "before"]);
    a.close();
    b.close();
  });
});

describe("silent sockets", () => {
  it("when a socket shows no life past the timeout, then the alarm closes it with 4008 and tells the rest", async () => {
    const [host, guest] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    const both = await a.next<Frame & { seq: number }>("presence", 2000, (f) => {
      return (f.participants as unknown[]).length === 2;
    });
    await runInDurableObject(roomStub(session.id), (_instance, state) => {
      for (const ws of state.getWebSockets(guest.user.id)) {
        const attachment = ws.deserializeAttachment() as { lastSeen: number };
        ws.serializeAttachment({ ...attachment, lastSeen: Date.now() - 5 * 60_000 });
      }
    });

    expect(await runDurableObjectAlarm(roomStub(session.id))).toBe(true);

    expect((await b.whenClosed()).code).toBe(4008);
    const presence = await a.next<Frame & { participants: { userId: string }[] }>(
      "presence",
      2000,
      (f) => Number(f.seq) > both.seq,
    );
    expect(presence.participants.map((p) => p.userId)).toEqual([host.user.id]);
    a.close();
  });

  it("keeps a socket whose only sign of life is the auto-answered ping", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const a = await join(host, session);
    await runInDurableObject(roomStub(session.id), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        const attachment = ws.deserializeAttachment() as { lastSeen: number };
        ws.serializeAttachment({ ...attachment, lastSeen: Date.now() - 5 * 60_000 });
      }
    });
    a.send("ping");
    await a.next("text");
    await runDurableObjectAlarm(roomStub(session.id));
    a.send({ type: "ping", t: 9 });
    expect((await a.next<Frame & { t: number }>("pong")).t).toBe(9);
    a.close();
  });
});
