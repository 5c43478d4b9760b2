import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatRoom } from "../../../durable-objects/chat-room/chat-room";
import { CHAT_LIMITS } from "../../../durable-objects/chat-room/limits";
import type { EventOf } from "../../../lib/events/catalog";
import type { TestAccount } from "../../../lib/testing/accounts";
import { receivedEvents } from "../../../lib/testing/events";
import { errorOf, request } from "../../../lib/testing/http";
import { failingQueue } from "../../../lib/testing/queues";
import { type Frame, openSocket } from "../../../lib/testing/sockets";
import { connect, createConversation, get, myConversations, newAccount, roomStub, say } from "./worker";

type MessageSent = EventOf<"message.sent">;

function sentEvents(conversationId: string, atLeast = 1, timeoutMs = 3000) {
  return receivedEvents(
    env.EVENT_SINK,
    env.TEST_EVENTS_QUEUE,
    (event) => event.type === "message.sent" && event.data.conversationId === conversationId,
    { atLeast, timeoutMs },
  ) as Promise<MessageSent[]>;
}

/** The user's live channel (the notifications Worker's UserChannel), connected. */
async function liveChannel(who: TestAccount) {
  const response = await env.NOTIFICATIONS_HTTP.fetch(
    request("POST", "/v1/me/tickets", { token: who.accessToken }),
  );
  if (response.status !== 201) throw new Error(`live ticket: ${response.status} ${await response.text()}`);
  const { ticket } = (await response.json()) as { ticket: string };
  const { socket } = await openSocket(env.NOTIFICATIONS_HTTP, "/v1/me/ws", ticket);
  if (!socket) throw new Error("live channel upgrade refused");
  await socket.next("welcome");
  return socket;
}

describe("the conversations index", () => {
  it("when the room's alarm runs, then the list shows the last message and each member's unread count", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const group = await createConversation(ada, [bob, cy], "Plans");
    const a = (await connect(ada, group.id)).socket;
    const b = (await connect(bob, group.id)).socket;
    await say(a, "one");
    await say(a, "two");
    const third = await say(b, "three is the last one");

    // Nothing reaches D1 per message; the alarm brings the index up to date.
    expect((await myConversations(cy)).items[0]?.lastMessage).toBeNull();
    expect(await runDurableObjectAlarm(roomStub(group.id))).toBe(true);

    const forCy = (await myConversations(cy)).items[0];
    expect(forCy?.unread).toBe(3);
    expect(forCy?.lastMessage).toMatchObject({
      id: third.id,
      senderId: bob.user.id,
      preview: "three is the last one",
      seq: third.seq,
    });
    expect((await myConversations(ada)).items[0]?.unread).toBe(1);
    expect((await myConversations(bob)).items[0]?.unread).toBe(2);

    b.send({ type: "read", upTo: third.seq });
    await a.next("read");
    await runDurableObjectAlarm(roomStub(group.id));
    expect((await myConversations(bob)).items[0]?.unread).toBe(0);
    a.close();
    b.close();
  });

  it("when a message is deleted, then it no longer counts as unread nor shows as the last message", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const a = (await connect(ada, direct.id)).socket;
    const first = await say(a, "keep");
    const second = await say(a, "oops");
    a.send({ type: "delete", id: second.id });
    await a.next("deleted");
    await runDurableObjectAlarm(roomStub(direct.id));
    const forBob = (await myConversations(bob)).items[0];
    expect(forBob?.unread).toBe(1);
    expect(forBob?.lastMessage?.id).toBe(first.id);
    a.close();
  });

  it("lists the most recently active conversation first", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const older = await createConversation(ada, [bob]);
    const newer = await createConversation(ada, [cy]);
    expect((await myConversations(ada)).items.map((c) => c.id)).toEqual([newer.id, older.id]);
    const a = (await connect(ada, older.id)).socket;
    await say(a, "bump");
    await runDurableObjectAlarm(roomStub(older.id));
    expect((await myConversations(ada)).items.map((c) => c.id)).toEqual([older.id, newer.id]);
    a.close();
  });
});

describe("members who are not in the room", () => {
  it("when a message is stored, then a message.sent event names the members who were away and had not read it", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const group = await createConversation(ada, [bob, cy]);
    const a = (await connect(ada, group.id)).socket;
    const b = (await connect(bob, group.id)).socket;
    const ack = await say(a, "cy is away");
    await runDurableObjectAlarm(roomStub(group.id));

    const [event] = await sentEvents(group.id);
    expect(event?.id).toBe(`evt_${ack.id.slice(4)}`);
    expect(event?.actorId).toBe(ada.user.id);
    expect(event?.data).toEqual({
      conversationId: group.id,
      messageId: ack.id,
      senderId: ada.user.id,
      recipientIds: [cy.user.id],
      preview: "cy is away",
    });
    a.close();
    b.close();
  });

  it("when the queue is down, then the room retries by itself with backoff and publishes once it is back", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const a = (await connect(ada, direct.id)).socket;
    const ack = await say(a, "bob is away");
    const down = failingQueue();

    await runInDurableObject(roomStub(direct.id), async (room: ChatRoom, state) => {
      const withEnv = room as unknown as { env: MessagingEnv };
      const real = withEnv.env;
      withEnv.env = { ...real, NOTIFICATION_EVENTS: down };
      // As when the runtime fires it: the alarm that runs is no longer set.
      const fire = async () => {
        await state.storage.deleteAlarm();
        await room.alarm();
      };
      try {
        const before = Date.now();
        await fire();
        expect(down.attempts).toBe(1);
        const first = (await state.storage.getAlarm()) ?? 0;
        expect(first - before).toBeGreaterThanOrEqual(CHAT_LIMITS.syncRetry.firstMs - 50);
        expect(first - before).toBeLessThan(CHAT_LIMITS.sweepEveryMs);
        await fire();
        const second = (await state.storage.getAlarm()) ?? 0;
        expect(second - Date.now()).toBeGreaterThan(CHAT_LIMITS.syncRetry.firstMs * 1.5);
      } finally {
        withEnv.env = real;
      }
      expect(await sentEvents(direct.id, 1, 300)).toEqual([]);
      await fire();
    });

    const events = await sentEvents(direct.id);
    expect(events.map((event) => event.id)).toEqual([`evt_${ack.id.slice(4)}`]);
    a.close();
  });

  it("when everyone is in the room, then no event is published", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const a = (await connect(ada, direct.id)).socket;
    const b = (await connect(bob, direct.id)).socket;
    await say(a, "we are both here");
    await runDurableObjectAlarm(roomStub(direct.id));
    expect(await sentEvents(direct.id, 1, 500)).toEqual([]);
    a.close();
    b.close();
  });

  it("when a member is away from the room, then their live channel gets message.new at once", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const channel = await liveChannel(bob);
    const a = (await connect(ada, direct.id)).socket;
    const ack = await say(a, "are you there?");
    const pushed = await channel.next<Frame & { conversationId: string; message: Record<string, unknown> }>(
      "message.new",
    );
    expect(pushed.conversationId).toBe(direct.id);
    expect(pushed.message).toEqual({
      id: ack.id,
      senderId: ada.user.id,
      text: "are you there?",
      createdAt: expect.any(Number),
      seq: ack.seq,
    });
    a.close();
    channel.close();
  });

  it("when a member is in the room, then their live channel gets nothing (the room's frame is enough)", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const channel = await liveChannel(bob);
    const a = (await connect(ada, direct.id)).socket;
    const b = (await connect(bob, direct.id)).socket;
    await say(a, "I see you");
    await b.next("message");
    await expect(channel.next("message.new", 300)).rejects.toThrow();
    for (const s of [a, b, channel]) s.close();
  });
});

describe("GET /v1/conversations/:id/messages", () => {
  it("pages a member through the history, newest first", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const a = (await connect(ada, direct.id)).socket;
    const sent = [];
    for (const text of ["m1", "m2", "m3", "m4", "m5"]) sent.push(await say(a, text));
    a.send({ type: "edit", id: sent[4]?.id, text: "m5!" });
    await a.next("edited");

    const first = await get(`/v1/conversations/${direct.id}/messages?limit=3`, bob);
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as {
      items: { text: string; editedAt?: number }[];
      nextCursor: string;
    };
    expect(page1.items.map((m) => m.text)).toEqual(["m5!", "m4", "m3"]);
    expect(page1.items[0]?.editedAt).toBeTypeOf("number");
    const second = await get(
      `/v1/conversations/${direct.id}/messages?limit=3&before=${page1.nextCursor}`,
      bob,
    );
    const page2 = (await second.json()) as { items: { text: string }[]; nextCursor: string | null };
    expect(page2.items.map((m) => m.text)).toEqual(["m2", "m1"]);
    expect(page2.nextCursor).toBeNull();
    a.close();
  });

  it("refuses non-members (403), bad queries (400) and unknown conversations (404)", async () => {
    const [ada, bob, eve] = [await newAccount(), await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const stranger = await get(`/v1/conversations/${direct.id}/messages`, eve);
    expect(stranger.status).toBe(403);
    expect((await errorOf(stranger)).code).toBe("forbidden");
    expect((await get(`/v1/conversations/${direct.id}/messages?limit=0`, ada)).status).toBe(400);
    expect((await get(`/v1/conversations/${direct.id}/messages?before=abc`, ada)).status).toBe(400);
    expect((await get(`/v1/conversations/${direct.id}/messages?before=1e3`, ada)).status).toBe(400);
    expect((await get(`/v1/conversations/${direct.id}/messages?limit=0x10`, ada)).status).toBe(400);
    expect((await get("/v1/conversations/cnv_01J9Z3V6Q3K8T1M2N4P5R6S7T8/messages", ada)).status).toBe(404);
  });
});
