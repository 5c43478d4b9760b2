import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../../lib/testing/accounts";
import { TEST_TRACEPARENT } from "../../../lib/testing/events";
import { errorOf, request } from "../../../lib/testing/http";
import { usersDb } from "../src/db/client";
import { eventQueues } from "../src/deps";
import { follow as followAt } from "../src/follows";
import { newAccount, worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);
const follow = (who: TestAccount, handle: string) =>
  call(request("PUT", `/v1/users/${handle}/follow`, { token: who.accessToken }));
const unfollow = (who: TestAccount, handle: string) =>
  call(request("DELETE", `/v1/users/${handle}/follow`, { token: who.accessToken }));

async function counts(userId: string) {
  return env.DB.prepare(
    "SELECT followers_count AS followers, following_count AS following FROM profiles WHERE id = ?",
  )
    .bind(userId)
    .first<{ followers: number; following: number }>();
}

async function edges(followerId: string, followeeId: string) {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM follows WHERE follower_id = ? AND followee_id = ?",
  )
    .bind(followerId, followeeId)
    .first<{ n: number }>();
  return row?.n;
}

describe("follow", () => {
  it("when I follow someone twice, then there is one edge and each count is one", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    expect((await follow(bob, ada.handle)).status).toBe(204);
    expect((await follow(bob, ada.handle)).status).toBe(204);
    expect(await edges(bob.user.id, ada.user.id)).toBe(1);
    expect(await counts(ada.user.id)).toEqual({ followers: 1, following: 0 });
    expect(await counts(bob.user.id)).toEqual({ followers: 0, following: 1 });
  });

  it("when I unfollow, then the edge and the counts go; unfollowing again changes nothing", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    await follow(bob, ada.handle);
    expect((await unfollow(bob, ada.handle)).status).toBe(204);
    expect((await unfollow(bob, ada.handle)).status).toBe(204);
    expect(await edges(bob.user.id, ada.user.id)).toBe(0);
    expect(await counts(ada.user.id)).toEqual({ followers: 0, following: 0 });
  });

  it("keeps counts exact when many follow at once", async () => {
    const star = await newAccount();
    const fans = await Promise.all(Array.from({ length: 8 }, () => newAccount()));
    await Promise.all(fans.flatMap((fan) => [follow(fan, star.handle), follow(fan, star.handle)]));
    expect(await counts(star.user.id)).toEqual({ followers: 8, following: 0 });
  });

  it("refuses following myself with 400 and an unknown user with 404", async () => {
    const ada = await newAccount();
    const self = await follow(ada, ada.handle);
    expect(self.status).toBe(400);
    expect((await errorOf(self)).message).toMatch(/yourself/);
    expect((await follow(ada, "nobody_at_all")).status).toBe(404);
    expect(await counts(ada.user.id)).toEqual({ followers: 0, following: 0 });
  });

  it("refuses anonymous callers", async () => {
    const ada = await newAccount();
    expect((await call(request("PUT", `/v1/users/${ada.handle}/follow`))).status).toBe(401);
  });
});

describe("followers and following lists", () => {
  it("pages newest first with a cursor, each user once", async () => {
    const star = await newAccount();
    const fans: TestAccount[] = [];
    for (let i = 0; i < 5; i++) {
      const fan = await newAccount();
      await follow(fan, star.handle);
      fans.push(fan);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const response = await call(request("GET", `/v1/users/${star.handle}/followers${query}`));
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { handle: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.handle));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(fans.map((f) => f.handle).reverse());
  });

  it("keeps the order follows were made in, even within one millisecond", async () => {
    // Every follow below reads one clock reading, as requests made within one millisecond do
    // (workerd's clock stands still while a request computes).
    const now = Date.now();
    const followAs = (who: TestAccount, handle: string) =>
      followAt(
        {
          db: usersDb(env.DB),
          outbox: { d1: env.DB, queues: eventQueues(env) },
          events: { actorId: who.user.id, traceparent: TEST_TRACEPARENT },
          now,
        },
        who.user.id,
        handle,
      );
    const [star, fan] = [await newAccount(), await newAccount()];
    const others = [await newAccount(), await newAccount(), await newAccount()];
    // Out of the order the accounts were made in, so that ids cannot order them by chance.
    const fans = [others[1], fan, others[2], others[0]] as TestAccount[];
    const followed = [star, others[2], others[0], others[1]] as TestAccount[];
    for (const who of fans) await followAs(who, star.handle);
    for (const who of followed.slice(1)) await followAs(fan, who.handle);
    const handles = async (path: string) =>
      ((await (await call(request("GET", path))).json()) as { items: { handle: string }[] }).items.map(
        (u) => u.handle,
      );
    expect(await handles(`/v1/users/${star.handle}/followers`)).toEqual(fans.map((f) => f.handle).reverse());
    expect(await handles(`/v1/users/${fan.handle}/following`)).toEqual(
      followed.map((f) => f.handle).reverse(),
    );
  });

  it("stays stable when follows arrive between pages", async () => {
    const star = await newAccount();
    const early = await Promise.all(Array.from({ length: 4 }, () => newAccount()));
    for (const fan of early) await follow(fan, star.handle);
    const first = (await (
      await call(request("GET", `/v1/users/${star.handle}/followers?limit=2`))
    ).json()) as {
      items: { handle: string }[];
      nextCursor: string;
    };
    await follow(await newAccount(), star.handle);
    const second = (await (
      await call(request("GET", `/v1/users/${star.handle}/followers?limit=2&cursor=${first.nextCursor}`))
    ).json()) as { items: { handle: string }[] };
    expect([...first.items, ...second.items].map((u) => u.handle)).toEqual(
      early.map((f) => f.handle).reverse(),
    );
  });

  it("lists whom a user follows, with summaries", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    await follow(ada, bob.handle);
    const response = await call(request("GET", `/v1/users/${ada.handle}/following`));
    expect(await response.json()).toEqual({
      items: [{ id: bob.user.id, handle: bob.handle, displayName: bob.user.displayName, avatarUrl: null }],
      nextCursor: null,
    });
  });

  it.each([
    ["a limit over 100", "?limit=101"],
    ["a limit of zero", "?limit=0"],
    ["a limit in exponent notation", "?limit=1e1"],
    ["a limit in hexadecimal", "?limit=0x10"],
    ["a limit with a leading zero", "?limit=01"],
    ["a limit with a space", "?limit=%201"],
    ["an empty limit", "?limit="],
    ["a limit given twice", "?limit=1&limit=2"],
    ["a cursor it never gave", "?cursor=bm90LWEtY3Vyc29y"],
    ["an unknown query parameter", "?sort=asc"],
  ])("refuses %s with 400", async (_name, query) => {
    const ada = await newAccount();
    const response = await call(request("GET", `/v1/users/${ada.handle}/followers${query}`));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    if (query.startsWith("?limit")) {
      expect(error.details).toEqual([
        {
          path: "query.limit",
          message: query.includes("&")
            ? "give it once, not several times"
            : expect.stringMatching(/whole number/),
        },
      ]);
    }
  });

  it("takes a limit in decimal digits", async () => {
    const ada = await newAccount();
    for (const follower of [await newAccount(), await newAccount()]) await follow(follower, ada.handle);
    const response = await call(request("GET", `/v1/users/${ada.handle}/followers?limit=1`));
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
  });
});
