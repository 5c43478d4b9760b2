import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../lib/ids";
import { errorOf, request, unique } from "../../../lib/testing/http";
import { type Conversation, call, createConversation, get, myConversations, newAccount } from "./worker";

const post = (path: string, token: string, body: unknown) => call(request("POST", path, { token, body }));

describe("POST /v1/conversations", () => {
  it("when one other person is named, then it is a direct conversation of the two, indexed for both", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const response = await post("/v1/conversations", ada.accessToken, { memberHandles: [bob.handle] });
    expect(response.status).toBe(201);
    const conversation = (await response.json()) as Conversation;
    expect(conversation).toMatchObject({
      kind: "direct",
      title: null,
      creatorId: ada.user.id,
      memberCount: 2,
    });
    expect(conversation.id).toMatch(/^cnv_[0-9A-Z]{26}$/);
    expect(conversation.members.map((m) => m.userId).sort()).toEqual([ada.user.id, bob.user.id].sort());

    const rows = await env.DB.prepare(
      "SELECT user_id FROM conversation_members WHERE conversation_id = ? ORDER BY user_id",
    )
      .bind(conversation.id)
      .all<{ user_id: string }>();
    expect(rows.results.map((r) => r.user_id)).toEqual([ada.user.id, bob.user.id].sort());
    expect((await myConversations(bob)).items.map((c) => c.id)).toEqual([conversation.id]);
  });

  it("when the same pair starts a direct conversation again (either of them), then they get the same one", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const first = await createConversation(ada, [bob]);
    const again = await post("/v1/conversations", bob.accessToken, {
      memberHandles: [`@${ada.handle.toUpperCase()}`],
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Conversation).id).toBe(first.id);
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM conversations WHERE direct_key IS NOT NULL AND creator_id IN (?, ?)",
    )
      .bind(ada.user.id, bob.user.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("when the same direct conversation is created concurrently, then every request returns the one conversation", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0
          ? post("/v1/conversations", ada.accessToken, { memberHandles: [bob.handle] })
          : post("/v1/conversations", bob.accessToken, { memberHandles: [ada.handle] }),
      ),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Conversation[];
    expect(responses.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect((await myConversations(ada)).items).toHaveLength(1);
    expect((await myConversations(bob)).items).toHaveLength(1);
  });

  it("when two or more others are named, then it is a group with its title, and the creator's own handle is ignored", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const response = await post("/v1/conversations", ada.accessToken, {
      memberHandles: [bob.handle, cy.handle, ada.handle, bob.handle],
      title: "  Book club ",
    });
    expect(response.status).toBe(201);
    const conversation = (await response.json()) as Conversation;
    expect(conversation).toMatchObject({ kind: "group", title: "Book club", memberCount: 3 });
    // Two groups of the same people are two conversations.
    const second = await createConversation(ada, [bob, cy], "Book club");
    expect(second.id).not.toBe(conversation.id);
  });

  it("when a group has more members than one D1 statement can bind, then all of them are in it", async () => {
    const people = await Promise.all(Array.from({ length: 31 }, () => newAccount()));
    const [creator, ...others] = people;
    if (!creator) throw new Error("no creator");
    const group = await createConversation(creator, others, "Big");
    expect(group.memberCount).toBe(31);
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM conversation_members WHERE conversation_id = ?",
    )
      .bind(group.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(31);
  });

  it.each([
    ["no body fields", {}, "body.memberHandles"],
    ["no handles", { memberHandles: [] }, "body.memberHandles"],
    ["a malformed handle", { memberHandles: ["NO SPACES"] }, "body.memberHandles.0"],
    ["an unknown field", { memberHandles: ["abc"], colour: "red" }, "body.colour"],
    [
      "100 handles",
      { memberHandles: Array.from({ length: 100 }, (_, i) => `user_${i}`) },
      "body.memberHandles",
    ],
    ["an empty title", { memberHandles: ["abc", "def"], title: "   " }, "body.title"],
  ])("when the body has %s, then 400 names the field", async (_name, body, path) => {
    const ada = await newAccount();
    const response = await post("/v1/conversations", ada.accessToken, body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details?.map((d) => d.path)).toContain(path);
  });

  it("when a handle belongs to nobody, then 400 names it and nothing is created", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const response = await post("/v1/conversations", ada.accessToken, {
      memberHandles: [bob.handle, "nobody_here_x"],
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual([
      { path: "body.memberHandles.1", message: "no such user" },
    ]);
    expect((await myConversations(ada)).items).toEqual([]);
  });

  it("when several handles are unknown (one repeated), then 400 names each once, at its first place", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const response = await post("/v1/conversations", ada.accessToken, {
      memberHandles: ["ghost_aa", bob.handle, "ghost_bb", "@GHOST_AA", cy.handle],
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual([
      { path: "body.memberHandles.0", message: "no such user" },
      { path: "body.memberHandles.2", message: "no such user" },
    ]);
    expect((await myConversations(ada)).items).toEqual([]);
  });

  it("when a group names 95 people (more handles than one users statement takes), then all are members", async () => {
    const ada = await newAccount();
    const people: { id: string; handle: string }[] = [];
    for (let i = 0; i < 95; i++) {
      // Profiles made straight through the users service: an account each would only add time.
      const profile = { id: newId("usr"), handle: unique("m").slice(0, 30), displayName: `Member ${i}` };
      expect(await env.USERS.createProfile(profile)).toMatchObject({ ok: true });
      people.push(profile);
    }
    const response = await post("/v1/conversations", ada.accessToken, {
      memberHandles: people.map((p) => p.handle),
      title: "Everyone",
    });
    expect(response.status).toBe(201);
    const group = (await response.json()) as Conversation;
    expect(group).toMatchObject({ kind: "group", memberCount: 96 });
    expect(new Set(group.members.map((m) => m.userId))).toEqual(
      new Set([ada.user.id, ...people.map((p) => p.id)]),
    );
    const indexed = await env.DB.prepare(
      "SELECT count(*) AS n FROM conversation_members WHERE conversation_id = ?",
    )
      .bind(group.id)
      .first<{ n: number }>();
    expect(indexed?.n).toBe(96);

    const withGhost = await post("/v1/conversations", ada.accessToken, {
      memberHandles: [...people.slice(0, 94).map((p) => p.handle), "ghost_cc"],
    });
    expect(withGhost.status).toBe(400);
    expect((await errorOf(withGhost)).details).toEqual([
      { path: "body.memberHandles.94", message: "no such user" },
    ]);
  });

  it("when the only handle is the creator's own, or a direct conversation gets a title, then 400", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const alone = await post("/v1/conversations", ada.accessToken, { memberHandles: [ada.handle] });
    expect(alone.status).toBe(400);
    const titled = await post("/v1/conversations", ada.accessToken, {
      memberHandles: [bob.handle],
      title: "Us",
    });
    expect(titled.status).toBe(400);
    expect((await errorOf(titled)).details?.[0]?.path).toBe("body.title");
  });

  it("when the request has no token or a body that is not JSON, then 401 or 400", async () => {
    const noToken = await call(request("POST", "/v1/conversations", { body: { memberHandles: ["abc"] } }));
    expect(noToken.status).toBe(401);
    const ada = await newAccount();
    const notJson = await post("/v1/conversations", ada.accessToken, "{not json");
    expect(notJson.status).toBe(400);
  });
});

describe("GET /v1/conversations", () => {
  it("lists only mine, most recently created first, in pages", async () => {
    const [ada, bob, cy, dee] = [
      await newAccount(),
      await newAccount(),
      await newAccount(),
      await newAccount(),
    ];
    const one = await createConversation(ada, [bob]);
    const two = await createConversation(ada, [cy]);
    const three = await createConversation(bob, [ada, cy]);
    await createConversation(bob, [dee]);

    const first = await myConversations(ada, "?limit=2");
    expect(first.items.map((c) => c.id)).toEqual([three.id, two.id]);
    expect(first.nextCursor).not.toBeNull();
    const second = await myConversations(ada, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((c) => c.id)).toEqual([one.id]);
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]).toMatchObject({ lastMessage: null, unread: 0, memberCount: 3 });
  });

  it("refuses a cursor it did not give out, and a limit out of range", async () => {
    const ada = await newAccount();
    expect((await get("/v1/conversations?cursor=bm9wZQ", ada)).status).toBe(400);
    expect((await get("/v1/conversations?limit=500", ada)).status).toBe(400);
  });
});

describe("GET /v1/conversations/:id", () => {
  it("shows a member the conversation; a non-member gets 403, an unknown id 404, a malformed one 400", async () => {
    const [ada, bob, eve] = [await newAccount(), await newAccount(), await newAccount()];
    const conversation = await createConversation(ada, [bob]);
    const mine = await get(`/v1/conversations/${conversation.id}`, bob);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as Conversation).members).toHaveLength(2);
    expect((await get(`/v1/conversations/${conversation.id}`, eve)).status).toBe(403);
    expect((await get("/v1/conversations/cnv_01J9Z3V6Q3K8T1M2N4P5R6S7T8", ada)).status).toBe(404);
    expect((await get("/v1/conversations/nope", ada)).status).toBe(400);
  });
});

describe("members", () => {
  it("when a member adds people to a group, then they are members in the room and the index", async () => {
    const [ada, bob, cy, dee] = [
      await newAccount(),
      await newAccount(),
      await newAccount(),
      await newAccount(),
    ];
    const group = await createConversation(ada, [bob, cy]);
    const response = await post(`/v1/conversations/${group.id}/members`, bob.accessToken, {
      handles: [dee.handle, cy.handle],
    });
    expect(response.status).toBe(200);
    const detail = (await response.json()) as Conversation;
    expect(detail.members.map((m) => m.userId)).toContain(dee.user.id);
    expect(detail.memberCount).toBe(4);
    expect((await myConversations(dee)).items.map((c) => c.id)).toEqual([group.id]);
    expect((await myConversations(dee)).items[0]?.memberCount).toBe(4);
  });

  it("refuses adding to a direct conversation (409), by a non-member (403), and unknown handles (400)", async () => {
    const [ada, bob, cy, eve] = [
      await newAccount(),
      await newAccount(),
      await newAccount(),
      await newAccount(),
    ];
    const direct = await createConversation(ada, [bob]);
    const toDirect = await post(`/v1/conversations/${direct.id}/members`, ada.accessToken, {
      handles: [cy.handle],
    });
    expect(toDirect.status).toBe(409);
    const group = await createConversation(ada, [bob, cy]);
    const byStranger = await post(`/v1/conversations/${group.id}/members`, eve.accessToken, {
      handles: [eve.handle],
    });
    expect(byStranger.status).toBe(403);
    const unknown = await post(`/v1/conversations/${group.id}/members`, ada.accessToken, {
      handles: ["ghost_user_zz"],
    });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).details).toEqual([{ path: "body.handles.0", message: "no such user" }]);
    expect((await myConversations(eve)).items).toEqual([]);
  });

  it("lets a member leave and the creator remove others, but nobody else remove anyone", async () => {
    const [ada, bob, cy] = [await newAccount(), await newAccount(), await newAccount()];
    const group = await createConversation(ada, [bob, cy]);
    const del = (who: typeof ada, userId: string) =>
      call(request("DELETE", `/v1/conversations/${group.id}/members/${userId}`, { token: who.accessToken }));

    expect((await del(bob, cy.user.id)).status).toBe(403);
    expect((await del(bob, bob.user.id)).status).toBe(204);
    expect((await myConversations(bob)).items).toEqual([]);
    expect((await get(`/v1/conversations/${group.id}`, bob)).status).toBe(403);
    expect((await del(ada, cy.user.id)).status).toBe(204);
    expect((await del(ada, cy.user.id)).status).toBe(404);
    const detail = (await (await get(`/v1/conversations/${group.id}`, ada)).json()) as Conversation;
    expect(detail.members.map((m) => m.userId)).toEqual([ada.user.id]);
    expect((await myConversations(ada)).items[0]?.memberCount).toBe(1);
  });

  it("when someone who left a direct conversation starts it again, then they are back in the same one", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const direct = await createConversation(ada, [bob]);
    const left = await call(
      request("DELETE", `/v1/conversations/${direct.id}/members/${bob.user.id}`, { token: bob.accessToken }),
    );
    expect(left.status).toBe(204);
    const again = await createConversation(bob, [ada]);
    expect(again.id).toBe(direct.id);
    expect(again.members.map((m) => m.userId).sort()).toEqual([ada.user.id, bob.user.id].sort());
    expect((await myConversations(bob)).items.map((c) => c.id)).toEqual([direct.id]);
  });
});
