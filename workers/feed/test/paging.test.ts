import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ulid } from "../../../lib/ids";
import type { TestAccount } from "../../../lib/testing/accounts";
import { errorOf, request } from "../../../lib/testing/http";
import { feedDeps } from "../src/deps";
import { readFeed as readFeedPage } from "../src/feed";
import {
  call,
  eventually,
  type FeedBody,
  follow,
  newAccounts,
  newPost,
  readFeed,
  storedPostIds,
  timeline,
} from "./worker";

/** Every page of the feed, following nextCursor. */
async function allPages(who: TestAccount, query: string): Promise<FeedBody[]> {
  const pages = [await readFeed(who, query)];
  for (let page = pages[0]; page?.nextCursor; ) {
    page = await readFeed(who, `${query}&cursor=${page.nextCursor}`);
    pages.push(page);
  }
  return pages;
}

const idsOf = (pages: FeedBody[]) => pages.flatMap((page) => page.items.map((post) => post.id));

describe("GET /v1/feed paging", () => {
  it("pages both orders without duplicates or gaps", async () => {
    const [reader, ada] = await newAccounts(2);
    await follow(reader, ada);
    const posts = [];
    for (let i = 0; i < 7; i++) posts.push(await newPost(ada, `post ${i}`));
    await eventually(async () => expect(await storedPostIds(reader.user.id)).toHaveLength(7));
    const newestFirst = posts.map((post) => post.id).reverse();

    const latest = await allPages(reader, "order=latest&limit=3");
    expect(latest.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(idsOf(latest)).toEqual(newestFirst);

    const ranked = await allPages(reader, "limit=3");
    expect(ranked.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(idsOf(ranked)).toHaveLength(7);
    expect(new Set(idsOf(ranked))).toEqual(new Set(newestFirst));
  });

  it("goes on newest first below the ranked window", async () => {
    const [reader, ada] = await newAccounts(2);
    await follow(reader, ada);
    const window = Number(env.RANK_WINDOW);
    const posts = [];
    for (let i = 0; i < window + 3; i++) posts.push(await newPost(ada, `post ${i}`));
    await eventually(async () => expect(await storedPostIds(reader.user.id)).toHaveLength(window + 3));
    const newestFirst = posts.map((post) => post.id).reverse();

    const ranked = await allPages(reader, "limit=4");
    // The window of 10 in pages of 4, 4 and 2; then the 3 older posts, newest first.
    expect(ranked.map((page) => page.items.length)).toEqual([4, 4, 2, 3]);
    expect(new Set(idsOf(ranked)).size).toBe(window + 3);
    expect(ranked[3]?.items.map((post) => post.id)).toEqual(newestFirst.slice(window));

    const latest = await allPages(reader, "order=latest&limit=5");
    expect(idsOf(latest)).toEqual(newestFirst);
  });

  // getPosts with 100 ids and a viewer once bound 101 parameters (D1 allows 100): keep it covered.
  it("ranks a full window of 100 candidates with one getPosts call", async () => {
    const [reader, ada] = await newAccounts(2);
    const start = Date.now() - 200_000;
    const entries = Array.from({ length: 101 }, (_, i) => ({
      postId: `pst_${ulid(start + i * 1000)}`,
      authorId: ada.user.id,
      sharedPostId: null,
      createdAt: start + i * 1000,
    }));
    await env.POSTS_DB.batch(
      entries.map((entry) =>
        env.POSTS_DB.prepare(
          "INSERT INTO posts (id, author_id, text, media, created_at) VALUES (?, ?, 'bulk', '[]', ?)",
        ).bind(entry.postId, entry.authorId, entry.createdAt),
      ),
    );
    await timeline(reader.user.id).addPosts(entries);

    const page = await readFeedPage({ ...feedDeps(env), rankWindow: 100 }, reader.user.id, {
      order: "ranked",
      limit: 20,
    });

    expect(page.items).toHaveLength(20);
  });

  it("refuses a cursor it did not make, or one of the other order", async () => {
    const [reader, ada] = await newAccounts(2);
    await follow(reader, ada);
    for (let i = 0; i < 3; i++) await newPost(ada, `post ${i}`);
    await eventually(async () => expect(await storedPostIds(reader.user.id)).toHaveLength(3));
    const { nextCursor } = await readFeed(reader, "limit=1");
    expect(nextCursor).toEqual(expect.any(String));

    const refused = async (query: string) => {
      const response = await call(request("GET", `/v1/feed?${query}`, { token: reader.accessToken }));
      expect(response.status).toBe(400);
      return errorOf(response);
    };
    expect((await refused("cursor=not-a-cursor")).details?.[0]?.path).toBe("query.cursor");
    expect((await refused(`order=latest&cursor=${nextCursor}`)).code).toBe("validation_failed");
    const foreign = btoa(JSON.stringify({ k: "r", s: "01JUNKNOWNSNAPSHOT", o: 1 })).replaceAll("=", "");
    expect((await refused(`cursor=${foreign}`)).message).toMatch(/expired or was not given to you/);
    expect((await refused("limit=0")).code).toBe("validation_failed");
    expect((await refused("order=best")).code).toBe("validation_failed");
  });

  it("needs a signed-in caller", async () => {
    const response = await call(request("GET", "/v1/feed"));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
  });
});
