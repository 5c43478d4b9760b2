import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { receivedEvents } from "../../../lib/testing/events";
import { errorOf, request } from "../../../lib/testing/http";
import { call, newAccount, newPost, type PostBody, uploadImage } from "./worker";

const FEED = "plaza-feed-events";

describe("POST /v1/posts", () => {
  it("stores the post, answers it hydrated, and publishes post.created with the mentions", async () => {
    const ada = await newAccount();
    const response = await call(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "Hello @bob_b and @Carol_c!" } }),
    );
    expect(response.status).toBe(201);
    const post = (await response.json()) as PostBody & Record<string, unknown>;
    expect(post).toMatchObject({
      id: expect.stringMatching(/^pst_/),
      author: { id: ada.user.id, handle: ada.handle, displayName: ada.user.displayName, avatarUrl: null },
      text: "Hello @bob_b and @Carol_c!",
      media: [],
      likeCount: 0,
      commentCount: 0,
      shareCount: 0,
      likedByMe: false,
      editedAt: null,
    });
    const row = await env.DB.prepare("SELECT author_id FROM posts WHERE id = ?").bind(post.id).first();
    expect(row).toEqual({ author_id: ada.user.id });
    const [event] = await receivedEvents(
      env.EVENT_SINK,
      FEED,
      (e) => e.type === "post.created" && e.data.postId === post.id,
    );
    expect(event?.data).toMatchObject({
      authorId: ada.user.id,
      sharedPostId: null,
      mentions: ["bob_b", "carol_c"],
    });
  });

  it("attaches the author's own uploaded media", async () => {
    const ada = await newAccount();
    const mediaId = await uploadImage(ada);
    const post = await newPost(ada, "with a picture", { mediaIds: [mediaId] });
    expect(post.media).toEqual([
      { id: mediaId, contentType: "image/png", url: expect.stringContaining(mediaId) },
    ]);
  });

  it("refuses someone else's media, unknown media, and more than 10", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const bobs = await uploadImage(bob);
    const foreign = await call(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "x", mediaIds: [bobs] } }),
    );
    expect(foreign.status).toBe(400);
    expect((await errorOf(foreign)).details?.[0]?.path).toBe("body.mediaIds");
    const many = Array.from({ length: 11 }, (_, i) => `med_${i}`);
    const tooMany = await call(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "x", mediaIds: many } }),
    );
    expect(tooMany.status).toBe(400);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM posts WHERE author_id = ?")
      .bind(ada.user.id)
      .first();
    expect(count).toEqual({ n: 0 });
  });

  it.each([
    ["empty text", { text: "   " }],
    ["text of only NUL characters", { text: "\u0000\u0000" }],
    ["text of only zero-width spaces", { text: "\u200b\u200b" }],
    ["text of only Hangul fillers", { text: "\u3164" }],
    ["text with a control character", { text: "hi\u0007there" }],
    ["text over 5000 characters", { text: "x".repeat(5001) }],
    ["an unknown field", { text: "hi", authorId: "usr_someone" }],
  ])("refuses %s with 400", async (_name, body) => {
    const ada = await newAccount();
    expect((await call(request("POST", "/v1/posts", { token: ada.accessToken, body }))).status).toBe(400);
  });

  it("keeps line breaks, tabs, emoji and accents, trimming only the ends", async () => {
    const ada = await newAccount();
    const text = "first line\n\tsecond: caf\u00e9 e\u0301 \u{1f600} \u200dzwj";
    const response = await call(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: `  ${text}\n` } }),
    );
    expect(response.status).toBe(201);
    expect(((await response.json()) as { text: string }).text).toBe(text);
  });

  it("refuses a mediaIds entry that is not a media id with 400 naming it (the media RPC would throw)", async () => {
    const ada = await newAccount();
    const response = await call(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "hi", mediaIds: ["x"] } }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.[0]?.path).toBe("body.mediaIds.0");
  });

  it("refuses anonymous callers", async () => {
    expect((await call(request("POST", "/v1/posts", { body: { text: "hi" } }))).status).toBe(401);
  });
});

describe("text storage could not keep as sent", () => {
  // A lone UTF-16 surrogate passes JSON and zod, but D1 keeps UTF-8 and would store U+FFFD
  // three times in its place: the answer would not be what later reads return (lib/unicode.ts).
  it("is refused with 400 naming the field in posts, edits, comments and shares, and nothing changes", async () => {
    const ada = await newAccount();
    const post = await newPost(ada, "as it was");
    const lone = "caf\ud800e";
    const attempts = [
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: lone } }),
      request("PATCH", `/v1/posts/${post.id}`, { token: ada.accessToken, body: { text: lone } }),
      request("POST", `/v1/posts/${post.id}/comments`, { token: ada.accessToken, body: { text: lone } }),
      request("POST", `/v1/posts/${post.id}/shares`, { token: ada.accessToken, body: { text: lone } }),
    ];
    for (const attempt of attempts) {
      const response = await call(attempt);
      expect(response.status, attempt.url).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("validation_failed");
      expect(error.details).toEqual([
        { path: "body.text", message: expect.stringContaining("valid Unicode") },
      ]);
    }
    const rows = await env.DB.prepare("SELECT text FROM posts WHERE author_id = ?").bind(ada.user.id).all();
    expect(rows.results).toEqual([{ text: "as it was" }]);
    const stored = (await (
      await call(request("GET", `/v1/posts/${post.id}`, { token: ada.accessToken }))
    ).json()) as PostBody;
    expect(stored).toMatchObject({ text: "as it was", commentCount: 0, shareCount: 0, editedAt: null });
    // Bytes that are not UTF-8 at all would be decoded to U+FFFD the same way: refused too.
    const raw = new Uint8Array([
      ...new TextEncoder().encode('{"text":"caf'),
      0xff,
      0xed,
      0xa0,
      0x80,
      0x22,
      0x7d,
    ]);
    const bytes = await call(
      new Request("https://plaza.test/v1/posts", {
        method: "POST",
        headers: { authorization: `Bearer ${ada.accessToken}`, "content-type": "application/json" },
        body: raw,
      }),
    );
    expect(bytes.status).toBe(400);
    expect(await errorOf(bytes)).toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("UTF-8"),
    });
    const count = await env.DB.prepare("SELECT count(*) AS n FROM posts WHERE author_id = ?")
      .bind(ada.user.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
    // A paired surrogate (an emoji) is ordinary text.
    const emoji = await newPost(ada, "ok \ud83d\ude00");
    expect(emoji.text).toBe("ok 😀");
  });
});

describe("a method no route answers", () => {
  it("gets 405 with the methods that do (Allow), and an unknown path 404", async () => {
    const ada = await newAccount();
    const post = await newPost(ada);
    for (const [method, path, allow] of [
      ["PATCH", `/v1/posts/${post.id}/like`, "PUT, DELETE"],
      ["POST", `/v1/users/${ada.handle}/posts`, "GET, HEAD"],
      ["PUT", "/v1/posts", "POST"],
    ] as const) {
      const response = await call(request(method, path, { token: ada.accessToken }));
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(await errorOf(response)).toMatchObject({
        code: "method_not_allowed",
        message: expect.stringContaining(allow),
      });
    }
    const unknown = await call(
      request("GET", `/v1/posts/${post.id}/nothing-here`, { token: ada.accessToken }),
    );
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe("not_found");
  });
});

describe("PATCH and DELETE /v1/posts/:id", () => {
  it("lets the author edit (marking editedAt) and refuses others with 403", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const post = await newPost(ada);
    const other = await call(
      request("PATCH", `/v1/posts/${post.id}`, { token: bob.accessToken, body: { text: "hijack" } }),
    );
    expect(other.status).toBe(403);
    const mine = await call(
      request("PATCH", `/v1/posts/${post.id}`, { token: ada.accessToken, body: { text: "fixed typo" } }),
    );
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({
      text: "fixed typo",
      editedAt: expect.stringMatching(/^\d{4}/),
    });
  });

  it("deletes the post with its comments and likes, publishes post.deleted, and refuses others", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const post = await newPost(ada);
    await call(request("PUT", `/v1/posts/${post.id}/like`, { token: bob.accessToken }));
    await call(
      request("POST", `/v1/posts/${post.id}/comments`, { token: bob.accessToken, body: { text: "nice" } }),
    );
    expect((await call(request("DELETE", `/v1/posts/${post.id}`, { token: bob.accessToken }))).status).toBe(
      403,
    );

    expect((await call(request("DELETE", `/v1/posts/${post.id}`, { token: ada.accessToken }))).status).toBe(
      204,
    );

    expect((await call(request("GET", `/v1/posts/${post.id}`))).status).toBe(404);
    for (const table of ["likes", "comments"]) {
      const left = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE post_id = ?`)
        .bind(post.id)
        .first();
      expect(left).toEqual({ n: 0 });
    }
    const deleted = await receivedEvents(
      env.EVENT_SINK,
      FEED,
      (e) => e.type === "post.deleted" && e.data.postId === post.id,
    );
    expect(deleted).toHaveLength(1);
  });
});

describe("likes", () => {
  it("are idempotent, counted exactly under concurrency, and published once per new like", async () => {
    const ada = await newAccount();
    const post = await newPost(ada);
    const fans = await Promise.all(Array.from({ length: 6 }, () => newAccount()));
    await Promise.all(
      fans.flatMap((fan) => [
        call(request("PUT", `/v1/posts/${post.id}/like`, { token: fan.accessToken })),
        call(request("PUT", `/v1/posts/${post.id}/like`, { token: fan.accessToken })),
      ]),
    );
    const [first] = fans;
    if (!first) throw new Error("no fans");
    const seen = (await (
      await call(request("GET", `/v1/posts/${post.id}`, { token: first.accessToken }))
    ).json()) as PostBody;
    expect(seen).toMatchObject({ likeCount: 6, likedByMe: true });
    const liked = await receivedEvents(
      env.EVENT_SINK,
      FEED,
      (e) => e.type === "post.liked" && e.data.postId === post.id,
      {
        atLeast: 6,
      },
    );
    expect(liked).toHaveLength(6);

    expect(
      (await call(request("DELETE", `/v1/posts/${post.id}/like`, { token: first.accessToken }))).status,
    ).toBe(204);
    expect(
      (await call(request("DELETE", `/v1/posts/${post.id}/like`, { token: first.accessToken }))).status,
    ).toBe(204);
    const after = (await (
      await call(request("GET", `/v1/posts/${post.id}`, { token: first.accessToken }))
    ).json()) as PostBody;
    expect(after).toMatchObject({ likeCount: 5, likedByMe: false });
  });

  it("answer 404 for a post that does not exist", async () => {
    const ada = await newAccount();
    const response = await call(
      request("PUT", "/v1/posts/pst_01J0000000000000000000000A/like", { token: ada.accessToken }),
    );
    expect(response.status).toBe(404);
  });
});

describe("shares", () => {
  it("repost the original (even from a share), count exactly, and show it embedded until it is deleted", async () => {
    const [ada, bob, carol] = [await newAccount(), await newAccount(), await newAccount()];
    const original = await newPost(ada, "original");
    const share = await call(
      request("POST", `/v1/posts/${original.id}/shares`, { token: bob.accessToken, body: { text: "look" } }),
    );
    expect(share.status).toBe(201);
    const bobShare = (await share.json()) as PostBody;
    expect(bobShare).toMatchObject({ text: "look", sharedPost: { id: original.id, text: "original" } });
    const reshare = (await (
      await call(request("POST", `/v1/posts/${bobShare.id}/shares`, { token: carol.accessToken, body: {} }))
    ).json()) as PostBody;
    expect(reshare.sharedPost?.id).toBe(original.id);
    expect(
      ((await (await call(request("GET", `/v1/posts/${original.id}`))).json()) as PostBody).shareCount,
    ).toBe(2);
    const shared = await receivedEvents(
      env.EVENT_SINK,
      FEED,
      (e) => e.type === "post.shared" && e.data.originalPostId === original.id,
      {
        atLeast: 2,
      },
    );
    expect(shared).toHaveLength(2);

    await call(request("DELETE", `/v1/posts/${original.id}`, { token: ada.accessToken }));
    const orphan = (await (await call(request("GET", `/v1/posts/${bobShare.id}`))).json()) as PostBody;
    expect(orphan.sharedPost).toBeNull();
    // The share itself is still there; what it shares is not, and the answer says so.
    const again = await call(
      request("POST", `/v1/posts/${bobShare.id}/shares`, { token: carol.accessToken, body: {} }),
    );
    expect(again.status).toBe(404);
    expect(await errorOf(again)).toMatchObject({
      code: "not_found",
      message: expect.stringContaining("deleted"),
    });
  });
});
