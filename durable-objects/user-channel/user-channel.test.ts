import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf, request, rpcError } from "../../lib/testing/http";
import { type Frame, openSocket } from "../../lib/testing/sockets";
import {
  call,
  channel,
  connect,
  newAccount,
  ticketFor,
  worker,
} from "../../workers/notifications/test/worker";
import { CHANNEL_LIMITS } from "./limits";

const feedNew = (postId: string, authorId: string) => ({ type: "feed.new" as const, postId, authorId });

describe("tickets and the upgrade", () => {
  it("when a signed-in user asks, then they get a 30 s ticket; without a token, 401", async () => {
    const ada = await newAccount();
    const response = await call(request("POST", "/v1/me/tickets", { token: ada.accessToken }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as { ticket: string; expiresIn: number };
    expect(body.expiresIn).toBe(30);
    expect(body.ticket.startsWith(`${ada.user.id}.`)).toBe(true);
    const anonymous = await call(request("POST", "/v1/me/tickets"));
    expect(anonymous.status).toBe(401);
  });

  it("when the ticket is missing, reused, forged or expired, then the upgrade is refused with 401", async () => {
    const ada = await newAccount();
    const none = await openSocket(worker.default, "/v1/me/ws", null);
    expect(none.response.status).toBe(401);
    expect((await errorOf(none.response)).code).toBe("unauthorized");

    const ticket = await ticketFor(ada);
    const first = await openSocket(worker.default, "/v1/me/ws", ticket);
    expect(first.response.status).toBe(101);
    const again = await openSocket(worker.default, "/v1/me/ws", ticket);
    expect(again.response.status).toBe(401);

    const forged = await openSocket(worker.default, "/v1/me/ws", `${ada.user.id}.not-a-real-secret`);
    expect(forged.response.status).toBe(401);

    const stale = await ticketFor(ada);
    await runInDurableObject(channel(ada.user.id), (_instance, state) => {
      state.storage.sql.exec("UPDATE tickets SET expires_at = 0");
    });
    expect((await openSocket(worker.default, "/v1/me/ws", stale)).response.status).toBe(401);
    first.socket?.close();
  });

  it("when the plaza.v1 subprotocol is not offered, then 400; a plain GET is 400 too", async () => {
    const ada = await newAccount();
    const ticket = await ticketFor(ada);
    const wrong = await openSocket(worker.default, "/v1/me/ws", ticket, ["chat.v2"]);
    expect(wrong.response.status).toBe(400);
    const plain = await call(request("GET", "/v1/me/ws"));
    expect(plain.status).toBe(400);
  });
});

describe("publish", () => {
  it("when the user has two devices connected, then an event reaches both, and publish says 2", async () => {
    const ada = await newAccount();
    const phone = await connect(ada);
    const laptop = await connect(ada);

    const result = await worker.NotificationsService.publish(ada.user.id, feedNew("pst_1", "usr_2"));

    expect(result).toEqual({ delivered: 2 });
    for (const socket of [phone, laptop]) {
      expect(await socket.next("feed.new")).toEqual({ type: "feed.new", postId: "pst_1", authorId: "usr_2" });
    }
    phone.close();
    laptop.close();
  });

  it("when the user is offline, then publish reaches nobody and says 0", async () => {
    const ada = await newAccount();
    expect(await worker.NotificationsService.publish(ada.user.id, feedNew("pst_1", "usr_2"))).toEqual({
      delivered: 0,
    });
  });

  it("when a socket closed, then the next event reaches only the open one", async () => {
    const ada = await newAccount();
    const phone = await connect(ada);
    const laptop = await connect(ada);
    phone.close();
    await new Promise((resolve) => setTimeout(resolve, 100));

    const result = await worker.NotificationsService.publish(ada.user.id, feedNew("pst_3", "usr_2"));

    expect(result).toEqual({ delivered: 1 });
    expect((await laptop.next("feed.new")).postId).toBe("pst_3");
    laptop.close();
  });

  it("when an argument is invalid, then publish fails with a validation error and sends nothing", async () => {
    const ada = await newAccount();
    const socket = await connect(ada);
    const badEvent = await rpcError(() =>
      worker.NotificationsService.publish(ada.user.id, { type: "feed.new", postId: "" } as never),
    );
    expect(badEvent.message).toMatch(/invalid RPC argument/);
    const badUser = await rpcError(() =>
      worker.NotificationsService.publish("usr.with.dots", feedNew("p", "a")),
    );
    expect(badUser.message).toMatch(/invalid RPC argument/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(socket.frames.filter((frame) => frame.type === "feed.new")).toEqual([]);
    socket.close();
  });
});

describe("publishManyToOnline", () => {
  it("when several broadcasts name users, then each online user gets their events in order and offline ones are skipped", async () => {
    const [ada, bob, cyd] = [await newAccount(), await newAccount(), await newAccount()];
    const adaLive = await connect(ada);
    const bobLive = await connect(bob);

    const result = await worker.NotificationsService.publishManyToOnline([
      { userIds: [ada.user.id, cyd.user.id], event: feedNew("pst_a", "usr_x") },
      { userIds: [ada.user.id, bob.user.id, bob.user.id], event: feedNew("pst_b", "usr_y") },
    ]);

    expect(result).toEqual({ online: 2, delivered: 3 });
    expect((await adaLive.next("feed.new")).postId).toBe("pst_a");
    expect((await adaLive.next("feed.new")).postId).toBe("pst_b");
    expect((await bobLive.next("feed.new")).postId).toBe("pst_b");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bobLive.frames.filter((frame) => frame.type === "feed.new")).toHaveLength(1);
    adaLive.close();
    bobLive.close();
  });

  it("when the broadcasts name more users than one call takes, then it fails with a validation error", async () => {
    const ids = Array.from({ length: 2501 }, (_, i) => `usr_${i}`);
    const tooMany = await rpcError(() =>
      worker.NotificationsService.publishManyToOnline([
        { userIds: ids, event: feedNew("pst_a", "usr_x") },
        { userIds: ids, event: feedNew("pst_b", "usr_x") },
      ]),
    );
    expect(tooMany.message).toMatch(/at most 5000 user ids/);
    expect(await worker.NotificationsService.publishManyToOnline([])).toEqual({ online: 0, delivered: 0 });
  });
});

describe("frames", () => {
  it("answers ping with pong, plain 'ping' with 'pong', and bad frames with an error frame", async () => {
    const ada = await newAccount();
    const socket = await connect(ada);
    socket.send({ type: "ping", t: 42 });
    expect((await socket.next<Frame & { t: number }>("pong")).t).toBe(42);
    socket.send("ping");
    expect((await socket.next<Frame & { data: string }>("text")).data).toBe("pong");
    socket.send("{not json");
    expect((await socket.next<Frame & { code: string }>("error")).code).toBe("bad_frame");
    socket.send({ type: "subscribe", topic: "everything" });
    expect((await socket.next<Frame & { code: string }>("error")).code).toBe("bad_frame");
    expect(socket.closed).toBeNull();
    socket.close();
  });

  it("when a frame is over 16 KiB, then the socket closes with 1009", async () => {
    const ada = await newAccount();
    const socket = await connect(ada);
    socket.send({ type: "ping", t: 1, pad: "x".repeat(17 * 1024) });
    expect((await socket.whenClosed()).code).toBe(1009);
  });

  it("when more devices connect than allowed, then the oldest socket is closed with 4009", async () => {
    const ada = await newAccount();
    const sockets = [];
    for (let i = 0; i < CHANNEL_LIMITS.maxDevices; i++) sockets.push(await connect(ada));
    const newest = await connect(ada);
    expect(await sockets[0]?.next("closing")).toMatchObject({ code: 4009 });
    expect((await sockets[0]?.whenClosed())?.code).toBe(4009);
    expect(await channel(ada.user.id).connected()).toBe(CHANNEL_LIMITS.maxDevices);
    for (const socket of [...sockets, newest]) socket.close();
  });
});

describe("the alarm", () => {
  it("when a socket shows no sign of life for too long, then the sweep closes it with 4008", async () => {
    const ada = await newAccount();
    const socket = await connect(ada);
    await runInDurableObject(channel(ada.user.id), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        const attachment = ws.deserializeAttachment() as { lastSeen: number };
        ws.serializeAttachment({ ...attachment, lastSeen: Date.now() - CHANNEL_LIMITS.idleTimeoutMs - 1000 });
      }
    });
    expect(await runDurableObjectAlarm(channel(ada.user.id))).toBe(true);
    expect(await socket.next("closing")).toMatchObject({ code: 4008 });
    expect((await socket.whenClosed()).code).toBe(4008);
  });

  it("when recording the user online failed, then the next alarm records it", async () => {
    const ada = await newAccount();
    const socket = await connect(ada);
    const online = () =>
      worker.NotificationsService.publishToOnline([ada.user.id], feedNew("pst_9", "usr_2"));
    expect(await online()).toEqual({ online: 1, delivered: 1 });
    // As a failed write leaves it: the user is missing from the index, and the channel knows.
    await env.DB.prepare("DELETE FROM online_users WHERE user_id = ?").bind(ada.user.id).run();
    await runInDurableObject(channel(ada.user.id), (_instance, state) => {
      state.storage.sql.exec("INSERT INTO presence_stale (id) VALUES (1)");
    });
    expect(await online()).toEqual({ online: 0, delivered: 0 });

    expect(await runDurableObjectAlarm(channel(ada.user.id))).toBe(true);

    expect(await online()).toEqual({ online: 1, delivered: 1 });
    socket.close();
  });
});
