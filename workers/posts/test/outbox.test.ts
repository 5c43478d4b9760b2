import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../../lib/events/catalog";
import { outboxInsert, relayOutbox } from "../../../lib/events/outbox";
import { domainEvent } from "../../../lib/events/publish";
import { receivedEvents, TEST_TRACEPARENT } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import { outboxRows, throughApp } from "../../../lib/testing/outbox";
import { failingQueue } from "../../../lib/testing/queues";
import { createPostsApp } from "../src/app";
import { postsDb } from "../src/db/client";
import { deletePostStatement, insertLikeStatement } from "../src/db/posts";
import { eventQueues } from "../src/deps";
import postsWorker from "../src/index";
import { call, newAccount, newPost } from "./worker";

const FEED = "plaza-feed-events";
const app = createPostsApp();
const db = postsDb(env.DB);
const TRACE = { traceparent: TEST_TRACEPARENT };

/** A request through the app with some bindings replaced, waiting for what it left running. */
const through = (req: Request, bindings: Partial<PostsEnv> = {}) => throughApp(app, env, req, bindings);

const likedEvent = (postId: string, postAuthorId: string, userId: string) =>
  domainEvent("post.liked", { postId, postAuthorId, userId }, { actorId: userId, ...TRACE });

const rowsAbout = async (postId: string) =>
  (await outboxRows(env.DB)).filter((row) => JSON.stringify(row.event.data).includes(postId));

/** Sends whatever is in the outbox now, so that the next test starts from an empty one. */
const drainOutbox = () => relayOutbox(env.DB, eventQueues(env), { olderThanMs: 0, limit: 500 });

describe("the SQLite semantics the outbox relies on (changes() in one D1 batch)", () => {
  it("when an insert meets a conflict and does nothing, then the guarded outbox insert stores nothing", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    const post = await newPost(ada);
    const first = likedEvent(post.id, ada.user.id, bob.user.id);
    const second = likedEvent(post.id, ada.user.id, bob.user.id);

    const liked = await env.DB.batch([
      insertLikeStatement(db, post.id, bob.user.id, Date.now()),
      outboxInsert(env.DB, [first], { ifChanged: true }),
    ]);
    const again = await env.DB.batch([
      insertLikeStatement(db, post.id, bob.user.id, Date.now()),
      outboxInsert(env.DB, [second], { ifChanged: true }),
    ]);

    expect(liked[1]?.results).toMatchObject([{ id: first.id }]);
    expect(again[1]?.results).toEqual([]);
    expect((await rowsAbout(post.id)).map((row) => row.id)).toEqual([first.id]);
    // The like's trigger ran once: its own update did not count as a change of the insert.
    const counts = await env.DB.prepare("SELECT like_count FROM posts WHERE id = ?").bind(post.id).first();
    expect(counts).toEqual({ like_count: 1 });
    await drainOutbox();
  });

  it("when a delete's triggers remove more rows, then changes() still counts only the deleted row", async () => {
    const ada = await newAccount();
    const post = await newPost(ada);
    for (const text of ["one", "two"]) {
      await call(
        request("POST", `/v1/posts/${post.id}/comments`, { token: ada.accessToken, body: { text } }),
      );
    }
    await call(request("PUT", `/v1/posts/${post.id}/like`, { token: ada.accessToken }));
    await drainOutbox();
    const deleted = domainEvent(
      "post.deleted",
      { postId: post.id, authorId: ada.user.id },
      { actorId: ada.user.id, ...TRACE },
    );
    const deletedAgain = domainEvent(
      "post.deleted",
      { postId: post.id, authorId: ada.user.id },
      { actorId: ada.user.id, ...TRACE },
    );

    const first = await env.DB.batch([
      deletePostStatement(db, post.id),
      outboxInsert(env.DB, [deleted], { ifChanged: true }),
    ]);
    const second = await env.DB.batch([
      deletePostStatement(db, post.id),
      outboxInsert(env.DB, [deletedAgain], { ifChanged: true }),
    ]);

    expect(first[1]?.results).toMatchObject([{ id: deleted.id }]);
    expect(second[1]?.results).toEqual([]);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM comments WHERE post_id = ?")
      .bind(post.id)
      .first();
    expect(left).toEqual({ n: 0 });
    await drainOutbox();
  });

  it("when one guarded insert stores several events, then changes() keeps the change's value for all of them", async () => {
    const ada = await newAccount();
    const post = await newPost(ada);
    const events = [
      likedEvent(post.id, ada.user.id, ada.user.id),
      likedEvent(post.id, ada.user.id, ada.user.id),
    ];

    const [, stored] = await env.DB.batch([
      insertLikeStatement(db, post.id, ada.user.id, Date.now()),
      outboxInsert(env.DB, events, { ifChanged: true }),
    ]);

    expect(stored?.results).toHaveLength(2);
    expect((await rowsAbout(post.id)).map((row) => row.id).sort()).toEqual(events.map((e) => e.id).sort());
    await drainOutbox();
  });
});

describe("posts' writes and their events", () => {
  it("when the queues work, then every write's events are sent and none stays in the outbox", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    const create = await through(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "hi" } }),
    );
    const post = (await create.json()) as { id: string };
    const writes = [
      request("POST", `/v1/posts/${post.id}/comments`, { token: bob.accessToken, body: { text: "hey" } }),
      request("PUT", `/v1/posts/${post.id}/like`, { token: bob.accessToken }),
      request("POST", `/v1/posts/${post.id}/shares`, { token: bob.accessToken, body: {} }),
      request("DELETE", `/v1/posts/${post.id}`, { token: ada.accessToken }),
    ];
    const statuses = [create.status];
    for (const write of writes) statuses.push((await through(write)).status);

    expect(statuses).toEqual([201, 201, 204, 201, 204]);
    const about = (e: DomainEvent) => JSON.stringify(e.data).includes(post.id);
    // The share is a post of its own: its post.created names the original too.
    const sent = await receivedEvents(env.EVENT_SINK, FEED, about, { atLeast: 6 });
    expect(sent.map((e) => e.type).sort()).toEqual([
      "comment.created",
      "post.created",
      "post.created",
      "post.deleted",
      "post.liked",
      "post.shared",
    ]);
    expect(await rowsAbout(post.id)).toEqual([]);
  });

  it("when the send fails, then the request still answers 201, the event stays, and the relay delivers it", async () => {
    const ada = await newAccount();
    const queue = failingQueue();

    const response = await through(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "kept" } }),
      { FEED_EVENTS: queue },
    );

    expect(response.status).toBe(201);
    expect(queue.attempts).toBe(1);
    const post = (await response.json()) as { id: string };
    const [row, ...more] = await rowsAbout(post.id);
    expect(more).toEqual([]);
    expect(row?.event).toMatchObject({
      id: row?.id,
      type: "post.created",
      actorId: ada.user.id,
      data: { postId: post.id, authorId: ada.user.id },
    });

    expect(await drainOutbox()).toMatchObject({ failed: 0 });
    const delivered = await receivedEvents(env.EVENT_SINK, FEED, (e) => e.id === row?.id);
    expect(delivered).toEqual([row?.event]);
    expect(await rowsAbout(post.id)).toEqual([]);
  });

  it("when a like is a no-op, then only the first like stores an event; a share stores both of its events", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    const post = await newPost(ada);
    const down = { FEED_EVENTS: failingQueue() };

    const like = () => through(request("PUT", `/v1/posts/${post.id}/like`, { token: bob.accessToken }), down);
    const statuses = [(await like()).status, (await like()).status];
    const comment = await through(
      request("POST", `/v1/posts/${post.id}/comments`, {
        token: bob.accessToken,
        body: { text: "hey @ada" },
      }),
      down,
    );
    const share = await through(
      request("POST", `/v1/posts/${post.id}/shares`, { token: bob.accessToken, body: { text: "look" } }),
      down,
    );

    expect([...statuses, comment.status, share.status]).toEqual([204, 204, 201, 201]);
    const types = (await rowsAbout(post.id)).map((row) => row.event.type).sort();
    expect(types).toEqual(["comment.created", "post.created", "post.liked", "post.shared"]);
    await drainOutbox();
  });
});

describe("the outbox relay", () => {
  /** Events stored as if at `times` (ms since the epoch), in the order given. */
  async function storedAt(times: number[]): Promise<Map<number, DomainEvent>> {
    const ada = await newAccount();
    const byTime = new Map<number, DomainEvent>();
    for (const time of times) {
      const event = domainEvent(
        "post.deleted",
        { postId: `pst_${time}`, authorId: ada.user.id },
        { actorId: ada.user.id, ...TRACE },
      );
      await outboxInsert(env.DB, [event], { now: time }).run();
      byTime.set(time, event);
    }
    return byTime;
  }

  const idsLeft = async () => new Set((await outboxRows(env.DB)).map((row) => row.id));

  it("sends and deletes rows older than the grace, oldest first and at most `limit` a run; fresh rows stay", async () => {
    const events = await storedAt([1004, 1001, 1003, 1000, 1002]);
    const id = (time: number) => events.get(time)?.id;
    const options = { olderThanMs: 30_000, now: 31_002 };

    const first = await relayOutbox(env.DB, eventQueues(env), { ...options, limit: 2 });
    const afterFirst = await idsLeft();
    const second = await relayOutbox(env.DB, eventQueues(env), { ...options, limit: 2 });
    const afterSecond = await idsLeft();

    expect(first).toEqual({ sent: 2, failed: 0 });
    expect([1000, 1001].map((t) => afterFirst.has(id(t) ?? ""))).toEqual([false, false]);
    expect([1002, 1003, 1004].map((t) => afterFirst.has(id(t) ?? ""))).toEqual([true, true, true]);
    expect(second).toEqual({ sent: 1, failed: 0 });
    expect([1002, 1003, 1004].map((t) => afterSecond.has(id(t) ?? ""))).toEqual([false, true, true]);
    const sentIds = new Set([1000, 1001, 1002].map(id));
    const sent = await receivedEvents(env.EVENT_SINK, FEED, (e) => sentIds.has(e.id), { atLeast: 3 });
    expect(sent.map((e) => e.id).sort()).toEqual([...sentIds].sort());
  });

  it("reads page after page while each is full, up to `pages`: a backlog drains in one run", async () => {
    await drainOutbox();
    const events = await storedAt([2000, 2001, 2002, 2003, 2004]);
    const id = (time: number) => events.get(time)?.id ?? "";
    const options = { olderThanMs: 0, limit: 2, now: 2004 };

    const bounded = await relayOutbox(env.DB, eventQueues(env), { ...options, pages: 2 });
    const afterBounded = await idsLeft();
    const rest = await relayOutbox(env.DB, eventQueues(env), { ...options, pages: 5 });

    expect(bounded).toEqual({ sent: 4, failed: 0 });
    expect([2000, 2001, 2002, 2003, 2004].map((t) => afterBounded.has(id(t)))).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    // One row left: a page that is not full ends the run (no third read).
    expect(rest).toEqual({ sent: 1, failed: 0 });
    expect((await idsLeft()).has(id(2004))).toBe(false);
  });

  it("stops paging at the first failed send, and counts only that page's rows as failed", async () => {
    await drainOutbox();
    const events = await storedAt([3000, 3001, 3002]);

    const result = await relayOutbox(env.DB, [failingQueue()], {
      olderThanMs: 0,
      limit: 2,
      pages: 10,
      now: 3002,
    });

    expect(result).toEqual({ sent: 0, failed: 2 });
    const left = await idsLeft();
    expect([...events.values()].every((event) => left.has(event.id))).toBe(true);
    await drainOutbox();
  });

  it("when the queues fail, then the relay keeps the rows and says how many it could not send", async () => {
    const events = await storedAt([500, 501]);

    const result = await relayOutbox(env.DB, [failingQueue()], { olderThanMs: 0, limit: 10, now: 501 });

    expect(result).toEqual({ sent: 0, failed: 2 });
    const left = await idsLeft();
    expect([...events.values()].every((event) => left.has(event.id))).toBe(true);
    expect(await relayOutbox(env.DB, eventQueues(env), { olderThanMs: 0, limit: 10, now: 501 })).toEqual({
      sent: 2,
      failed: 0,
    });
  });

  it("the cron trigger relays rows older than 30 seconds and leaves younger ones", async () => {
    const now = Date.now();
    const events = await storedAt([now - 60_000, now]);
    const old = events.get(now - 60_000);
    const fresh = events.get(now);

    await postsWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env);

    const left = await idsLeft();
    expect(left.has(old?.id ?? "")).toBe(false);
    expect(left.has(fresh?.id ?? "")).toBe(true);
    expect(await receivedEvents(env.EVENT_SINK, FEED, (e) => e.id === old?.id)).toEqual([old]);
  });
});
