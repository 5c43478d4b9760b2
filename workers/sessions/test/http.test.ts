import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf, request } from "../../../lib/testing/http";
import { openSocket } from "../../../lib/testing/sockets";
import { call, createSession, join, newAccount, ticketFor, worker } from "./worker";

describe("POST /v1/sessions", () => {
  it("creates a private session by default, indexed in D1, with an invite code for its host", async () => {
    const host = await newAccount();
    const response = await call(
      request("POST", "/v1/sessions", {
        token: host.accessToken,
        body: { title: "  Film night ", mediaUrl: "https://media.example.com/a.mp4" },
      }),
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: expect.stringMatching(/^wch_/),
      title: "Film night",
      hostId: host.user.id,
      mediaUrl: "https://media.example.com/a.mp4",
      visibility: "private",
      inviteCode: expect.stringMatching(/^[0-9A-Z]{10}$/),
      status: "live",
    });
    const row = await env.DB.prepare("SELECT host_id, status, visibility FROM watch_sessions WHERE id = ?")
      .bind(body.id)
      .first();
    expect(row).toEqual({ host_id: host.user.id, status: "live", visibility: "private" });
  });

  it("accepts a Plaza media path", async () => {
    const host = await newAccount();
    const session = await createSession(host, { mediaUrl: "/v1/media/abc123/content", visibility: "public" });
    expect(session.visibility).toBe("public");
  });

  it.each([
    ["an empty title", { title: " ", mediaUrl: "https://x.example/a.mp4" }, "body.title"],
    ["a title of zero-width spaces", { title: "\u200b", mediaUrl: "https://x.example/a.mp4" }, "body.title"],
    ["a title with a line break", { title: "a\nb", mediaUrl: "https://x.example/a.mp4" }, "body.title"],
    [
      "a title over 120 characters",
      { title: "x".repeat(121), mediaUrl: "https://x.example/a.mp4" },
      "body.title",
    ],
    [
      "a media URL that is neither http(s) nor a media path",
      { title: "t", mediaUrl: "ftp://x/a" },
      "body.mediaUrl",
    ],
    [
      "an unknown visibility",
      { title: "t", mediaUrl: "https://x.example/a.mp4", visibility: "secret" },
      "body.visibility",
    ],
    ["an unknown field", { title: "t", mediaUrl: "https://x.example/a.mp4", hostId: "usr_x" }, "body.hostId"],
  ])("refuses %s with 400", async (_name, body, path) => {
    const host = await newAccount();
    const response = await call(request("POST", "/v1/sessions", { token: host.accessToken, body }));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.map((d) => d.path)).toContain(path);
  });

  it("refuses anonymous callers", async () => {
    const response = await call(
      request("POST", "/v1/sessions", { body: { title: "t", mediaUrl: "https://x/a" } }),
    );
    expect(response.status).toBe(401);
  });
});

describe("GET /v1/sessions/:id", () => {
  it("shows a private session to its host, with playback and count, and hides it from others", async () => {
    const host = await newAccount();
    const stranger = await newAccount();
    const session = await createSession(host);

    const mine = await call(request("GET", `/v1/sessions/${session.id}`, { token: host.accessToken }));
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({
      id: session.id,
      inviteCode: session.inviteCode,
      participantCount: 0,
      locked: false,
      liveHostId: host.user.id,
      playback: { playing: false, position: 0, rate: 1, at: expect.any(Number) },
    });
    const theirs = await call(request("GET", `/v1/sessions/${session.id}`, { token: stranger.accessToken }));
    expect(theirs.status).toBe(404);
    expect((await call(request("GET", `/v1/sessions/${session.id}`))).status).toBe(404);
  });

  it("shows a private session to whoever brings the invite code, without revealing the code", async () => {
    const host = await newAccount();
    const guest = await newAccount();
    const session = await createSession(host);
    const response = await call(
      request("GET", `/v1/sessions/${session.id}?inviteCode=${session.inviteCode}`, {
        token: guest.accessToken,
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).not.toHaveProperty("inviteCode");
    const wrong = await call(
      request("GET", `/v1/sessions/${session.id}?inviteCode=AAAAAAAAAA`, { token: guest.accessToken }),
    );
    expect(wrong.status).toBe(404);
  });

  it("shows a public session to anyone", async () => {
    const host = await newAccount();
    const session = await createSession(host, { visibility: "public" });
    expect((await call(request("GET", `/v1/sessions/${session.id}`))).status).toBe(200);
  });

  it("answers 400 for an id of the wrong shape", async () => {
    expect((await call(request("GET", "/v1/sessions/not-an-id"))).status).toBe(400);
  });
});

describe("GET /v1/sessions", () => {
  it("lists live public sessions and my own, newest first, in pages", async () => {
    const alice = await newAccount();
    const bob = await newAccount();
    const alicePrivate = await createSession(alice);
    const bobPublic = await createSession(bob, { visibility: "public" });
    const bobPrivate = await createSession(bob);

    const listFor = async (token?: string, query = "") => {
      const response = await call(request("GET", `/v1/sessions${query}`, token ? { token } : {}));
      expect(response.status).toBe(200);
      return (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
    };
    const forAlice = (await listFor(alice.accessToken)).items.map((s) => s.id);
    expect(forAlice).toContain(alicePrivate.id);
    expect(forAlice).toContain(bobPublic.id);
    expect(forAlice).not.toContain(bobPrivate.id);
    expect((await listFor()).items.map((s) => s.id)).not.toContain(alicePrivate.id);

    const first = await listFor(bob.accessToken, "?limit=1");
    expect(first.items.map((s) => s.id)).toEqual([bobPrivate.id]);
    const second = await listFor(bob.accessToken, `?limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((s) => s.id)).toEqual([bobPublic.id]);
  });
});

describe("POST /v1/sessions/:id/tickets", () => {
  it("gives a member-to-be a 30-second ticket when they bring the invite code", async () => {
    const host = await newAccount();
    const guest = await newAccount();
    const session = await createSession(host);
    const response = await ticketFor(guest, session.id, session.inviteCode);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ticket: expect.stringMatching(/^[\w-]{32}$/), expiresIn: 30 });
  });

  it("refuses a stranger to a private session without the code, as if it did not exist", async () => {
    const host = await newAccount();
    const stranger = await newAccount();
    const session = await createSession(host);
    expect((await ticketFor(stranger, session.id)).status).toBe(404);
  });

  it("refuses anonymous callers", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    expect((await call(request("POST", `/v1/sessions/${session.id}/tickets`, { body: {} }))).status).toBe(
      401,
    );
  });
});

describe("GET /v1/sessions/:id/ws", () => {
  it("answers the plaza.v1 subprotocol and sends a welcome", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const { ticket } = (await (await ticketFor(host, session.id)).json()) as { ticket: string };
    const { response, socket } = await openSocket(worker.default, `/v1/sessions/${session.id}/ws`, ticket);
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBe("plaza.v1");
    const welcome = await socket?.next("welcome");
    expect(welcome).toMatchObject({
      you: { userId: host.user.id, role: "host" },
      participants: [{ userId: host.user.id }],
    });
    socket?.close();
  });

  it("refuses a missing, reused, expired or foreign ticket with 401 before the upgrade", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const other = await createSession(host);
    const path = `/v1/sessions/${session.id}/ws`;

    const missing = await openSocket(worker.default, path, null);
    expect(missing.response.status).toBe(401);
    expect(missing.socket).toBeNull();

    const { ticket } = (await (await ticketFor(host, session.id)).json()) as { ticket: string };
    const first = await openSocket(worker.default, path, ticket);
    expect(first.response.status).toBe(101);
    const reused = await openSocket(worker.default, path, ticket);
    expect(reused.response.status).toBe(401);
    first.socket?.close();

    const foreign = (await (await ticketFor(host, other.id)).json()) as { ticket: string };
    expect((await openSocket(worker.default, path, foreign.ticket)).response.status).toBe(401);

    const stale = (await (await ticketFor(host, session.id)).json()) as { ticket: string };
    const { roomStub } = await import("./worker");
    const { runInDurableObject } = await import("cloudflare:test");
    await runInDurableObject(roomStub(session.id), (_instance, state) => {
      state.storage.sql.exec("UPDATE tickets SET expires_at = ?", Date.now() - 1);
    });
    expect((await openSocket(worker.default, path, stale.ticket)).response.status).toBe(401);
  });

  it("refuses an upgrade without the plaza.v1 subprotocol, and a plain GET", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const { ticket } = (await (await ticketFor(host, session.id)).json()) as { ticket: string };
    const path = `/v1/sessions/${session.id}/ws`;
    expect((await openSocket(worker.default, path, ticket, ["other.v2"])).response.status).toBe(400);
    expect((await call(request("GET", path))).status).toBe(400);
  });
});

describe("GET /v1/sessions/:id/messages", () => {
  /** A session whose host has said "one", "two", "three" in its chat, and the host's socket. */
  async function sessionWithChat() {
    const host = await newAccount();
    const session = await createSession(host);
    const socket = await join(host, session);
    for (const text of ["one", "two", "three"]) {
      socket.send({ type: "chat", text });
      await socket.next("chat");
    }
    return { host, session, socket };
  }

  it("pages the chat history newest first", async () => {
    const { host, session, socket } = await sessionWithChat();
    const first = await call(
      request("GET", `/v1/sessions/${session.id}/messages?limit=2`, { token: host.accessToken }),
    );
    const page1 = (await first.json()) as { items: { text: string }[]; nextCursor: string };
    expect(page1.items.map((m) => m.text)).toEqual(["three", "two"]);
    const second = await call(
      request("GET", `/v1/sessions/${session.id}/messages?limit=2&before=${page1.nextCursor}`, {
        token: host.accessToken,
      }),
    );
    expect(await second.json()).toMatchObject({ items: [{ text: "one" }], nextCursor: null });
    socket.close();
  });

  it("keeps the order the room sent messages in, whatever their ids (one millisecond's are random)", async () => {
    const { host, session, socket } = await sessionWithChat();
    socket.close();
    // Ids of one millisecond sort at random: make them sort against the order of sending.
    const ids = {
      one: "msg_01M9700000ZZZZZZZZZZZZZZZZ",
      two: "msg_01M9700000MMMMMMMMMMMMMMMM",
      three: "msg_01M970000000000000000000AA",
    };
    const { roomStub } = await import("./worker");
    const { runInDurableObject } = await import("cloudflare:test");
    await runInDurableObject(roomStub(session.id), (_instance, state) => {
      for (const [text, id] of Object.entries(ids))
        state.storage.sql.exec("UPDATE messages SET id = ? WHERE text = ?", id, text);
    });
    const page = async (query: string) =>
      (await (
        await call(
          request("GET", `/v1/sessions/${session.id}/messages?${query}`, { token: host.accessToken }),
        )
      ).json()) as {
        items: { id: string; text: string }[];
        nextCursor: string | null;
      };
    const first = await page("limit=2");
    expect(first.items.map((m) => m.text)).toEqual(["three", "two"]);
    expect(first.nextCursor).toBe(ids.two);
    expect((await page(`limit=2&before=${first.nextCursor}`)).items.map((m) => m.text)).toEqual(["one"]);
    // A well-formed id of no message here stands for its place among the ids.
    expect((await page("before=msg_7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).items.map((m) => m.text)).toEqual([
      "three",
      "two",
      "one",
    ]);
    expect((await page("before=msg_00000000000000000000000000")).items).toEqual([]);
  });

  it("hides a private session's chat from strangers", async () => {
    const host = await newAccount();
    const stranger = await newAccount();
    const session = await createSession(host);
    const response = await call(
      request("GET", `/v1/sessions/${session.id}/messages`, { token: stranger.accessToken }),
    );
    expect(response.status).toBe(404);
  });
});

describe("DELETE /v1/sessions/:id", () => {
  it("ends the session: sockets close with 4000, it leaves the live list, tickets stop", async () => {
    const host = await newAccount();
    const guest = await newAccount();
    const session = await createSession(host, { visibility: "public" });
    const a = await join(host, session);
    const b = await join(guest, session);

    const response = await call(request("DELETE", `/v1/sessions/${session.id}`, { token: host.accessToken }));

    expect(response.status).toBe(204);
    expect(await b.next("closing")).toEqual({ type: "closing", code: 4000, reason: "the session has ended" });
    expect(await a.whenClosed()).toEqual({ code: 4000, reason: "the session has ended" });
    expect((await b.whenClosed()).code).toBe(4000);
    const row = await env.DB.prepare("SELECT status FROM watch_sessions WHERE id = ?")
      .bind(session.id)
      .first();
    expect(row).toEqual({ status: "ended" });
    const list = (await (await call(request("GET", "/v1/sessions"))).json()) as { items: { id: string }[] };
    expect(list.items.map((s) => s.id)).not.toContain(session.id);
    expect((await ticketFor(guest, session.id)).status).toBe(404);
  });

  it("refuses anyone but the host: 403 to a participant, 404 to a stranger of a private session", async () => {
    const host = await newAccount();
    const guest = await newAccount();
    const stranger = await newAccount();
    const session = await createSession(host);
    const socket = await join(guest, session);
    const { runDurableObjectAlarm } = await import("cloudflare:test");
    const { roomStub } = await import("./worker");
    await runDurableObjectAlarm(roomStub(session.id));

    expect(
      (await call(request("DELETE", `/v1/sessions/${session.id}`, { token: guest.accessToken }))).status,
    ).toBe(403);
    expect(
      (await call(request("DELETE", `/v1/sessions/${session.id}`, { token: stranger.accessToken }))).status,
    ).toBe(404);
    const row = await env.DB.prepare("SELECT status FROM watch_sessions WHERE id = ?")
      .bind(session.id)
      .first();
    expect(row).toEqual({ status: "live" });
    socket.close();
  });
});
