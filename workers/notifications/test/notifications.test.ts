import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../lib/ids";
import { errorOf, request } from "../../../lib/testing/http";
import type { Frame } from "../../../lib/testing/sockets";
import {
  call,
  comment,
  connect,
  deliver,
  event,
  eventually,
  follow,
  like,
  newAccount,
  newAccounts,
  newPost,
  notificationsOf,
  share,
} from "./worker";

describe("notifications from events", () => {
  it("when someone likes my post, then I get a like notification with them as the actor", async () => {
    const [ada, bob] = await newAccounts(2);
    const post = await newPost(ada);

    await like(bob, post.id);

    const page = await eventually(async () => {
      const result = await notificationsOf(ada);
      expect(result.items).toHaveLength(1);
      return result;
    });
    expect(page.unread).toBe(1);
    expect(page.items[0]).toMatchObject({
      type: "like",
      actor: { id: bob.user.id, handle: bob.handle },
      others: 0,
      subject: { type: "post", id: post.id },
      read: false,
      text: `${bob.user.displayName} liked your post`,
    });
  });

  it("when three people like the same post, then it is one notification: 'C and 2 others'", async () => {
    const [ada, bob, cy, dee] = await newAccounts(4);
    const post = await newPost(ada);

    for (const who of [bob, cy, dee]) await like(who, post.id);

    const page = await eventually(async () => {
      const result = await notificationsOf(ada);
      expect(result.items[0]?.others).toBe(2);
      return result;
    });
    expect(page.items).toHaveLength(1);
    expect(page.unread).toBe(1);
    expect(page.items[0]?.text).toMatch(/ and 2 others liked your post$/);
  });

  it("when the group was read, then the next like starts a new notification", async () => {
    const [ada, bob, cy] = await newAccounts(3);
    const post = await newPost(ada);
    await like(bob, post.id);
    await eventually(async () => expect((await notificationsOf(ada)).items).toHaveLength(1));
    await call(request("POST", "/v1/notifications/read", { token: ada.accessToken, body: { all: true } }));

    await like(cy, post.id);

    const page = await eventually(async () => {
      const result = await notificationsOf(ada);
      expect(result.items).toHaveLength(2);
      return result;
    });
    expect(page.items.map((n) => [n.actor?.id, n.read])).toEqual([
      [cy.user.id, false],
      [bob.user.id, true],
    ]);
    expect(page.unread).toBe(1);
  });

  it("when I like my own post, then I am not notified", async () => {
    const [ada, bob] = await newAccounts(2);
    const post = await newPost(ada);
    await like(ada, post.id);
    await like(bob, post.id);

    const page = await eventually(async () => {
      const result = await notificationsOf(ada);
      expect(result.items).toHaveLength(1);
      return result;
    });
    expect(page.items[0]?.actor?.id).toBe(bob.user.id);
    expect(page.items[0]?.others).toBe(0);
  });

  it("when someone follows, comments, shares and mentions me, then each makes its own notification", async () => {
    const [ada, bob] = await newAccounts(2);
    const post = await newPost(ada);

    await follow(bob, ada);
    await comment(bob, post.id, "great post");
    await share(bob, post.id);
    await newPost(bob, `hello @${ada.handle}, and @nobody_has_this_handle`);

    const page = await eventually(async () => {
      const result = await notificationsOf(ada);
      expect(result.items).toHaveLength(4);
      return result;
    });
    const byType = Object.fromEntries(page.items.map((n) => [n.type, n]));
    expect(byType.follow?.subject).toEqual({ type: "user", id: ada.user.id });
    expect(byType.comment?.subject).toMatchObject({ type: "comment", postId: post.id });
    expect(byType.share?.subject).toEqual({ type: "post", id: post.id });
    expect(byType.mention?.subject.type).toBe("post");
    expect(page.items.every((n) => n.actor?.id === bob.user.id)).toBe(true);
    expect(page.unread).toBe(4);
  });

  it("when a comment mentions me on someone else's post, then I get a mention of that comment", async () => {
    const [ada, bob, cy] = await newAccounts(3);
    const post = await newPost(bob);

    await comment(cy, post.id, `@${ada.handle} look at this`);

    const page = await eventually(async () => {
      const result = await notificationsOf(ada);
      expect(result.items).toHaveLength(1);
      return result;
    });
    expect(page.items[0]).toMatchObject({ type: "mention", subject: { type: "comment", postId: post.id } });
    expect(page.items[0]?.text).toMatch(/mentioned you in a comment$/);
  });

  it("when I am connected, then the notification is pushed to my socket after it is stored", async () => {
    const [ada, bob] = await newAccounts(2);
    const post = await newPost(ada);
    const socket = await connect(ada);

    await like(bob, post.id);

    const frame = await socket.next<Frame & { notification: { id: string; type: string }; unread: number }>(
      "notification",
      8000,
    );
    expect(frame.notification.type).toBe("like");
    expect(frame.unread).toBe(1);
    const stored = await notificationsOf(ada);
    expect(stored.items.map((n) => n.id)).toEqual([frame.notification.id]);
    socket.close();
  });

  it("when I am offline, then the notification waits in my list, and once I connect new ones are pushed", async () => {
    const [ada, bob, cyd] = await newAccounts(3);
    const post = await newPost(ada);

    await like(bob, post.id);

    await eventually(async () => expect((await notificationsOf(ada)).items).toHaveLength(1));
    // Nothing was claimed for a socket: the channel was not called.
    const inApp = await env.DB.prepare(
      "SELECT count(*) AS n FROM deliveries WHERE user_id = ? AND channel = 'in_app'",
    )
      .bind(ada.user.id)
      .first<{ n: number }>();
    expect(inApp?.n).toBe(0);

    const socket = await connect(ada);
    const other = await newPost(ada, "another");
    await like(cyd, other.id);
    const frame = await socket.next<Frame & { unread: number }>("notification", 8000);
    expect(frame.unread).toBe(2);
    socket.close();
  });
});

describe("GET /v1/notifications", () => {
  it("pages with nextCursor, latest first", async () => {
    const [ada, ...fans] = await newAccounts(4);
    if (!ada) throw new Error("no account");
    for (const fan of fans) {
      const post = await newPost(ada, `post for ${fan.handle}`);
      await like(fan, post.id);
    }
    await eventually(async () => expect((await notificationsOf(ada)).items).toHaveLength(3));

    const first = await notificationsOf(ada, "limit=2");
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await notificationsOf(ada, `limit=2&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((n) => n.actor?.id)).toEqual(
      fans.map((fan) => fan.user.id).reverse(),
    );
  });

  it("refuses a bad cursor or limit with 400, and anonymous callers with 401", async () => {
    const ada = await newAccount();
    const badCursor = await call(request("GET", "/v1/notifications?cursor=nope", { token: ada.accessToken }));
    expect(badCursor.status).toBe(400);
    expect((await errorOf(badCursor)).code).toBe("validation_failed");
    const badLimit = await call(request("GET", "/v1/notifications?limit=1000", { token: ada.accessToken }));
    expect(badLimit.status).toBe(400);
    expect((await call(request("GET", "/v1/notifications"))).status).toBe(401);
  });
});

describe("POST /v1/notifications/read", () => {
  it("marks the given ids read, ignores other users' ids, and reports the unread count", async () => {
    const [ada, bob, cy] = await newAccounts(3);
    const [first, second] = [await newPost(ada), await newPost(ada)];
    if (!first || !second) throw new Error("no posts");
    await like(bob, first.id);
    await like(cy, second.id);
    await like(ada, (await newPost(bob)).id);
    const page = await eventually(async () => {
      const result = await notificationsOf(ada);
      expect(result.items).toHaveLength(2);
      return result;
    });
    const bobs = await eventually(async () => {
      const result = await notificationsOf(bob);
      expect(result.items).toHaveLength(1);
      return result;
    });
    const target = page.items[0]?.id ?? "";

    const response = await call(
      request("POST", "/v1/notifications/read", {
        token: ada.accessToken,
        body: { ids: [target, bobs.items[0]?.id] },
      }),
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ changed: 1, unread: 1 });
    const after = await notificationsOf(ada);
    expect(after.items.find((n) => n.id === target)?.read).toBe(true);
    expect((await notificationsOf(bob)).unread).toBe(1);
  });

  it("marks everything read with {all: true}", async () => {
    const [ada, bob, cy] = await newAccounts(3);
    await follow(bob, ada);
    await like(cy, (await newPost(ada)).id);
    await eventually(async () => expect((await notificationsOf(ada)).unread).toBe(2));

    const response = await call(
      request("POST", "/v1/notifications/read", { token: ada.accessToken, body: { all: true } }),
    );

    expect(await response.json()).toEqual({ changed: 2, unread: 0 });
    expect((await notificationsOf(ada)).items.every((n) => n.read)).toBe(true);
  });

  it("refuses a body that is neither {ids} nor {all: true}", async () => {
    const ada = await newAccount();
    const cases: [object, RegExp][] = [
      // No form fits: the answer says which forms there are, not only "Invalid input".
      [{}, /all: true/],
      [{ all: false }, /all: true/],
      [{ ids: ["a"], all: true }, /all: true/],
      [{ ids: [1] }, /all: true/],
      // The ids form with an empty list: the answer names the list.
      [{ ids: [] }, /body\.ids/],
    ];
    for (const [body, says] of cases) {
      const response = await call(
        request("POST", "/v1/notifications/read", { token: ada.accessToken, body }),
      );
      expect(response.status).toBe(400);
      expect(JSON.stringify((await errorOf(response)).details), JSON.stringify(body)).toMatch(says);
    }
  });
});

describe("invitations", () => {
  it("when I am invited to a watch session or a call, then the notification carries what I need to join", async () => {
    const [ada, bob] = await newAccounts(2);
    const sessionId = newId("wch");

    const { result } = await deliver([
      event(
        "session.invited",
        { sessionId, inviteeId: ada.user.id, title: "Film night", inviteCode: "ABCDEFGHJK" },
        bob.user.id,
      ),
      event(
        "call.invited",
        { callId: "call_1", inviteeId: ada.user.id, title: null, inviteCode: "CODE123" },
        bob.user.id,
      ),
    ]);

    expect(result.retryMessages).toEqual([]);
    const byType = Object.fromEntries((await notificationsOf(ada)).items.map((n) => [n.type, n]));
    expect(byType.session_invite).toMatchObject({
      actor: { id: bob.user.id },
      subject: { type: "session", id: sessionId, text: "Film night", inviteCode: "ABCDEFGHJK" },
      text: `${bob.user.displayName} invited you to watch "Film night"`,
    });
    expect(byType.call_invite).toMatchObject({
      subject: { type: "call", id: "call_1", inviteCode: "CODE123" },
      text: `${bob.user.displayName} invited you to a call`,
    });
  });
});
