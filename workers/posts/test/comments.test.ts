import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventOf } from "../../../lib/events/catalog";
import { receivedEvents, TEST_TRACEPARENT } from "../../../lib/testing/events";
import { request, rpcError } from "../../../lib/testing/http";
import { addComment } from "../src/comments";
import { postsDeps } from "../src/deps";
import { createPost, sharePost } from "../src/posts";
import { call, newAccount, newPost, type PostBody } from "./worker";

describe("comments", () => {
  it("are stored, counted, listed oldest first in pages, and published with mentions", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const post = await newPost(ada);
    for (const text of ["first @ada_x", "second", "third"]) {
      const response = await call(
        request("POST", `/v1/posts/${post.id}/comments`, { token: bob.accessToken, body: { text } }),
      );
      expect(response.status).toBe(201);
    }
    const page1 = (await (await call(request("GET", `/v1/posts/${post.id}/comments?limit=2`))).json()) as {
      items: { text: string; author: { id: string } }[];
      nextCursor: string;
    };
    expect(page1.items.map((c) => c.text)).toEqual(["first @ada_x", "second"]);
    expect(page1.items[0]?.author.id).toBe(bob.user.id);
    const page2 = (await (
      await call(request("GET", `/v1/posts/${post.id}/comments?limit=2&cursor=${page1.nextCursor}`))
    ).json()) as { items: { text: string }[]; nextCursor: null };
    expect(page2).toEqual({ items: [expect.objectContaining({ text: "third" })], nextCursor: null });
    expect(
      ((await (await call(request("GET", `/v1/posts/${post.id}`))).json()) as PostBody).commentCount,
    ).toBe(3);
    const [event] = await receivedEvents(
      env.EVENT_SINK,
      "plaza-feed-events",
      (e) => e.type === "comment.created" && e.data.postId === post.id && e.data.mentions.length > 0,
    );
    expect(event?.data).toMatchObject({
      postAuthorId: ada.user.id,
      authorId: bob.user.id,
      mentions: ["ada_x"],
    });
  });

  it("may be deleted by their author or the post's author, not by others", async () => {
    const [ada, bob, eve] = [await newAccount(), await newAccount(), await newAccount()];
    const post = await newPost(ada);
    const add = async (text: string) =>
      (
        (await (
          await call(
            request("POST", `/v1/posts/${post.id}/comments`, { token: bob.accessToken, body: { text } }),
          )
        ).json()) as {
          id: string;
        }
      ).id;
    const [one, two] = [await add("one"), await add("two")];
    expect((await call(request("DELETE", `/v1/comments/${one}`, { token: eve.accessToken }))).status).toBe(
      403,
    );
    expect((await call(request("DELETE", `/v1/comments/${one}`, { token: bob.accessToken }))).status).toBe(
      204,
    );
    expect((await call(request("DELETE", `/v1/comments/${two}`, { token: ada.accessToken }))).status).toBe(
      204,
    );
    expect(
      ((await (await call(request("GET", `/v1/posts/${post.id}`))).json()) as PostBody).commentCount,
    ).toBe(0);
    expect((await call(request("DELETE", `/v1/comments/${two}`, { token: ada.accessToken }))).status).toBe(
      404,
    );
  });

  it("refuse empty or oversized text and unknown posts", async () => {
    const ada = await newAccount();
    const post = await newPost(ada);
    const post400 = (text: string) =>
      call(request("POST", `/v1/posts/${post.id}/comments`, { token: ada.accessToken, body: { text } }));
    expect((await post400(" ")).status).toBe(400);
    expect((await post400("x".repeat(2001))).status).toBe(400);
    const missing = await call(
      request("POST", "/v1/posts/pst_01J0000000000000000000000A/comments", {
        token: ada.accessToken,
        body: { text: "hi" },
      }),
    );
    expect(missing.status).toBe(404);
  });
});

describe("user timeline", () => {
  it("lists a user's posts and shares newest first, in pages, with likedByMe for the viewer", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const ids: string[] = [];
    for (const text of ["a", "b", "c"]) ids.push((await newPost(ada, text)).id);
    await call(request("PUT", `/v1/posts/${ids[2]}/like`, { token: bob.accessToken }));
    const page1 = (await (
      await call(request("GET", `/v1/users/${ada.handle}/posts?limit=2`, { token: bob.accessToken }))
    ).json()) as { items: PostBody[]; nextCursor: string };
    expect(page1.items.map((p) => p.text)).toEqual(["c", "b"]);
    expect(page1.items[0]?.likedByMe).toBe(true);
    const page2 = (await (
      await call(request("GET", `/v1/users/${ada.handle}/posts?limit=2&cursor=${page1.nextCursor}`))
    ).json()) as {
      items: PostBody[];
    };
    expect(page2.items.map((p) => p.text)).toEqual(["a"]);
    expect((await call(request("GET", "/v1/users/nobody_at_all/posts"))).status).toBe(404);
  });
});

describe("order within one millisecond", () => {
  // One deps for every call: they read one clock reading, as requests made within one millisecond
  // do (workerd's clock stands still while a request computes).
  it("keeps an author's posts and shares, and a post's comments, in the order they were made", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const deps = postsDeps(env);
    const as = (who: typeof ada) => ({ actorId: who.user.id, traceparent: TEST_TRACEPARENT });
    const first = await createPost(deps, as(ada), { text: "first" });
    const second = await createPost(deps, as(ada), { text: "second" });
    const shared = await sharePost(deps, as(ada), first.id);
    const third = await createPost(deps, as(ada), { text: "third" });
    const made = [first, second, shared, third];
    expect(new Set(made.map((post) => post.createdAt)).size).toBe(4);
    const timeline = (await (await call(request("GET", `/v1/users/${ada.handle}/posts`))).json()) as {
      items: PostBody[];
    };
    expect(timeline.items.map((post) => post.id)).toEqual(made.map((post) => post.id).reverse());
    const stored = (await (await call(request("GET", `/v1/posts/${third.id}`))).json()) as PostBody;
    expect(stored.createdAt).toBe(third.createdAt);

    const texts = ["one", "two", "three", "four"];
    for (const [i, text] of texts.entries()) await addComment(deps, as(i % 2 ? ada : bob), first.id, text);
    const comments = (await (await call(request("GET", `/v1/posts/${first.id}/comments`))).json()) as {
      items: { text: string; createdAt: string }[];
    };
    expect(comments.items.map((comment) => comment.text)).toEqual(texts);
    expect(new Set(comments.items.map((comment) => comment.createdAt)).size).toBe(4);
  });

  it("gives posts made at once distinct times, sent with their events, and a post after one from a clock ahead", async () => {
    const ada = await newAccount();
    const deps = postsDeps(env);
    const as = { actorId: ada.user.id, traceparent: TEST_TRACEPARENT };
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createPost(deps, as, { text: `burst ${i}` })),
    );
    expect(new Set(burst.map((post) => post.createdAt)).size).toBe(10);
    const sent = await receivedEvents(
      env.EVENT_SINK,
      "plaza-feed-events",
      (e) => e.type === "post.created" && e.data.authorId === ada.user.id,
      { atLeast: 10 },
    );
    const created = sent.filter((e): e is EventOf<"post.created"> => e.type === "post.created");
    expect(new Map(created.map((e) => [e.data.postId, e.data.createdAt]))).toEqual(
      new Map(burst.map((post) => [post.id, Date.parse(post.createdAt)])),
    );
    // Another Worker, its clock a minute ahead of this one's, posted last.
    const ahead = await createPost({ ...deps, now: deps.now + 60_000 }, as, { text: "from ahead" });
    const next = await createPost(deps, as, { text: "next" });
    expect(Date.parse(next.createdAt)).toBe(Date.parse(ahead.createdAt) + 1);
    const timeline = (await (
      await call(request("GET", `/v1/users/${ada.handle}/posts?limit=20`))
    ).json()) as {
      items: PostBody[];
    };
    const byTime = [...burst, ahead, next].sort((x, y) => Date.parse(y.createdAt) - Date.parse(x.createdAt));
    expect(timeline.items.map((post) => post.id)).toEqual(byTime.map((post) => post.id));
    expect(timeline.items[0]?.id).toBe(next.id);
  });
});

describe("RPC for the feed", () => {
  it("hydrates posts by id in the order asked, leaving out deleted ones", async () => {
    const { worker } = await import("./worker");
    const ada = await newAccount();
    const [a, b] = [await newPost(ada, "a"), await newPost(ada, "b")];
    const posts = await worker.PostsService.getPosts({
      ids: [b.id, "pst_01J0000000000000000000000A", a.id],
      viewerId: null,
    });
    expect(posts.map((p) => p.id)).toEqual([b.id, a.id]);
    const recent = await worker.PostsService.recentPostsOf({ authorIds: [ada.user.id], limit: 10 });
    expect(recent.map((p) => p.id)).toEqual([b.id, a.id]);
  });

  it("gives ranking the counts of posts and of a share's original, without their bodies", async () => {
    const { worker } = await import("./worker");
    const [ada, bob] = [await newAccount(), await newAccount()];
    const original = await newPost(ada, "the original");
    await call(request("PUT", `/v1/posts/${original.id}/like`, { token: bob.accessToken }));
    await call(
      request("POST", `/v1/posts/${original.id}/comments`, { token: bob.accessToken, body: { text: "hi" } }),
    );
    const share = (await (
      await call(request("POST", `/v1/posts/${original.id}/shares`, { token: bob.accessToken, body: {} }))
    ).json()) as PostBody;

    const found = await worker.PostsService.engagementOf({
      ids: [share.id, "pst_01J0000000000000000000000A", original.id],
    });

    expect(found).toEqual([
      {
        id: share.id,
        authorId: bob.user.id,
        createdAt: Date.parse(share.createdAt),
        likeCount: 0,
        commentCount: 0,
        shareCount: 0,
        original: { authorId: ada.user.id, likeCount: 1, commentCount: 1, shareCount: 1 },
      },
      {
        id: original.id,
        authorId: ada.user.id,
        createdAt: Date.parse(original.createdAt),
        likeCount: 1,
        commentCount: 1,
        shareCount: 1,
        original: null,
      },
    ]);
    const refused = await rpcError(() => worker.PostsService.engagementOf({ ids: ["x".repeat(65)] }));
    expect(refused.message).toMatch(/invalid RPC argument/);
  });
});
