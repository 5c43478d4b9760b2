import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatRoom } from "../../../durable-objects/chat-room/chat-room";
import { errorOf, request } from "../../../lib/testing/http";
import { type Frame, openSocket } from "../../../lib/testing/sockets";
import {
  call,
  connect,
  createConversation,
  type MessageFrame,
  newAccount,
  roomStub,
  say,
  ticketFor,
  worker,
} from "./worker";

type Ticket = { ticket: string; expiresIn: number };
const wsPath = (id: string) => `/v1/conversations/${id}/ws`;

describe("tickets and the upgrade", () => {
  it("gives a member a 30 s ticket that works once", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    const response = await ticketFor(bob, conversation.id);
    expect(response.status).toBe(201);
    const { ticket, expiresIn } = (await response.json()) as Ticket;
    expect(expiresIn).toBe(30);

    const first = await openSocket(worker.default, wsPath(conversation.id), ticket);
    expect(first.response.status).toBe(101);
    expect(first.response.headers.get("sec-websocket-protocol")).toBe("plaza.v1");
    const welcome = await first.socket?.next<Frame & { you: { userId: string }; members: unknown[] }>(
      "welcome",
    );
    expect(welcome?.you.userId).toBe(bob.user.id);
    expect(welcome?.members).toHaveLength(2);

    const reused = await openSocket(worker.default, wsPath(conversation.id), ticket);
    expect(reused.response.status).toBe(401);
    first.socket?.close();
  });

  it("refuses a non-member a ticket with 403, and an unknown conversation with 404", async () => {
    const [ada, bob, eve] = [await newAccount(), await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    const refused = await ticketFor(eve, conversation.id);
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe("forbidden");
    expect((await ticketFor(eve, "cnv_01J9Z3V6Q3K8T1M2N4P5R6S7T8")).status).toBe(404);
    expect((await call(request("POST", `/v1/conversations/${conversation.id}/tickets`))).status).toBe(401);
  });

  it("when a member is removed after taking a ticket, then the upgrade is refused with 403", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const group = await createConversation(ada, [bob, cy]);
    const { ticket } = (await (await ticketFor(cy, group.id)).json()) as Ticket;
    await call(
      request("DELETE", `/v1/conversations/${group.id}/members/${cy.user.id}`, { token: ada.accessToken }),
    );
    const upgrade = await openSocket(worker.default, wsPath(group.id), ticket);
    // Removal deletes the member's tickets, so the ticket itself is gone.
    expect([401, 403]).toContain(upgrade.response.status);
    expect(upgrade.socket).toBeNull();
  });

  it("refuses upgrades without the subprotocol, without a ticket, with a ticket of another room, and plain GETs", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const one = await createConversation(ada, [bob]);
    const two = await createConversation(ada, [bob, await newAccount()]);
    const { ticket } = (await (await ticketFor(ada, one.id)).json()) as Ticket;
    expect((await openSocket(worker.default, wsPath(one.id), ticket, ["chat"])).response.status).toBe(400);
    expect((await openSocket(worker.default, wsPath(one.id), null)).response.status).toBe(401);
    expect((await openSocket(worker.default, wsPath(two.id), ticket)).response.status).toBe(401);
    expect((await call(request("GET", wsPath(one.id)))).status).toBe(400);
  });

  it("lets a member connect from a few devices, not more", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    const devices = [];
    for (let i = 0; i < 5; i++) devices.push((await connect(ada, conversation.id)).socket);
    const { ticket } = (await (await ticketFor(ada, conversation.id)).json()) as Ticket;
    const sixth = await openSocket(worker.default, wsPath(conversation.id), ticket);
    expect(sixth.response.status).toBe(429);
    const bobSocket = (await connect(bob, conversation.id)).socket;
    await say(bobSocket, "to every device");
    for (const device of devices)
      expect((await device.next<MessageFrame>("message")).message.text).toBe("to every device");
    for (const s of [...devices, bobSocket]) s.close();
  });
});

describe("resume", () => {
  it("when a client reconnects, then resume replays every durable frame it missed, in seq order", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    const a = (await connect(ada, conversation.id)).socket;
    const b = (await connect(bob, conversation.id)).socket;
    const seen = await say(a, "before");
    await b.next("message");
    b.close();

    const second = await say(a, "while away");
    a.send({ type: "edit", id: seen.id, text: "before (edited)" });
    await a.next("edited");
    await say(a, "third");

    const back = await connect(bob, conversation.id);
    expect(back.welcome.seq).toBe(seen.seq + 3);
    back.socket.send({ type: "resume", afterSeq: seen.seq });
    const resumed = await back.socket.next<Frame & { complete: boolean; seq: number }>("resumed");
    expect(resumed).toMatchObject({ afterSeq: seen.seq, seq: seen.seq + 3, complete: true });
    const replayed = back.socket.frames.filter(
      (f) => "seq" in f && f.type !== "welcome" && f.type !== "resumed",
    );
    expect(replayed.map((f) => [f.type, f.seq])).toEqual([
      ["message", second.seq],
      ["edited", second.seq + 1],
      ["message", second.seq + 2],
    ]);
    expect((replayed[0] as MessageFrame).message.text).toBe("while away");
    a.close();
    back.socket.close();
  });

  it("when more than 500 frames were missed, then resume stops at 500 and says it is not complete", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    await runInDurableObject(roomStub(conversation.id), (_i: ChatRoom, state) => {
      for (let seq = 1; seq <= 520; seq++) {
        state.storage.sql.exec(
          "INSERT INTO log (seq, frame) VALUES (?, ?)",
          seq,
          JSON.stringify({ type: "read", userId: ada.user.id, upTo: seq - 1, seq }),
        );
      }
    });
    await evictDurableObject(roomStub(conversation.id));
    const b = (await connect(bob, conversation.id)).socket;
    b.send({ type: "resume", afterSeq: 0 });
    const first = await b.next<Frame & { complete: boolean; seq: number }>("resumed");
    expect(first).toMatchObject({ complete: false, seq: 500 });
    b.send({ type: "resume", afterSeq: first.seq });
    const rest = await b.next<Frame & { complete: boolean; seq: number }>("resumed");
    expect(rest).toMatchObject({ complete: true, seq: 520 });
    expect(b.frames.filter((f) => f.type === "read")).toHaveLength(520);
    b.send({ type: "resume", afterSeq: 9999 });
    expect((await b.next<Frame & { code: string }>("error")).code).toBe("bad_frame");
    b.close();
  });
});

describe("eviction", () => {
  it("when the object is evicted, then its sockets stay open and it goes on from storage with the next seq", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    const a = (await connect(ada, conversation.id)).socket;
    const b = (await connect(bob, conversation.id)).socket;
    const before = await say(a, "before", "nonce-before");
    await b.next("message");

    await evictDurableObject(roomStub(conversation.id));

    const after = await say(b, "after");
    expect(after.seq).toBe(before.seq + 1);
    expect((await a.next<MessageFrame>("message")).message.text).toBe("after");
    // A retried nonce is still recognised after the eviction.
    expect((await say(a, "before", "nonce-before")).id).toBe(before.id);
    a.close();
    b.close();
  });
});

describe("membership on live sockets", () => {
  it("when a member is removed, then their sockets close with 4003 and the others get the new member list", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const group = await createConversation(ada, [bob, cy]);
    const a = (await connect(ada, group.id)).socket;
    const c = (await connect(cy, group.id)).socket;
    const removed = await call(
      request("DELETE", `/v1/conversations/${group.id}/members/${cy.user.id}`, { token: ada.accessToken }),
    );
    expect(removed.status).toBe(204);
    expect(await c.next("closing")).toMatchObject({ code: 4003 });
    expect((await c.whenClosed()).code).toBe(4003);
    const members = await a.next<Frame & { members: { userId: string }[]; seq: number }>("members");
    expect(members.members.map((m) => m.userId).sort()).toEqual([ada.user.id, bob.user.id].sort());
    const ack = await say(a, "without cy");
    expect(ack.seq).toBe(members.seq + 1);
    a.close();
  });

  it("when members are added, then connected members hear of it and the newcomers can connect", async () => {
    const [ada, bob, cy, dee] = [
      await newAccount(),
      await newAccount(),
      await newAccount(),
      await newAccount(),
    ];
    const group = await createConversation(ada, [bob, cy]);
    const a = (await connect(ada, group.id)).socket;
    const added = await call(
      request("POST", `/v1/conversations/${group.id}/members`, {
        token: bob.accessToken,
        body: { handles: [dee.handle] },
      }),
    );
    expect(added.status).toBe(200);
    const frame = await a.next<Frame & { members: { userId: string }[] }>("members");
    expect(frame.members.map((m) => m.userId)).toContain(dee.user.id);
    const d = await connect(dee, group.id);
    expect(d.welcome.you.readSeq).toBe((frame.seq as number) - 1);
    await say(a, "welcome dee");
    expect((await d.socket.next<MessageFrame>("message")).message.text).toBe("welcome dee");
    a.close();
    d.socket.close();
  });
});

describe("silent sockets", () => {
  it("when a socket shows no life past the timeout, then the alarm closes it with 4008", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    const a = (await connect(ada, conversation.id)).socket;
    const b = (await connect(bob, conversation.id)).socket;
    await runInDurableObject(roomStub(conversation.id), (_i: ChatRoom, state) => {
      for (const ws of state.getWebSockets(bob.user.id)) {
        const attachment = ws.deserializeAttachment() as { lastSeen: number };
        ws.serializeAttachment({ ...attachment, lastSeen: Date.now() - 5 * 60_000 });
      }
    });
    expect(await runDurableObjectAlarm(roomStub(conversation.id))).toBe(true);
    expect((await b.whenClosed()).code).toBe(4008);
    a.send({ type: "ping", t: 1 });
    await a.next("pong");
    expect(a.closed).toBeNull();
    a.close();
  });
});
