import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../lib/ids";
import { request, rpcError, unique } from "../../../lib/testing/http";
import { newAccount, worker } from "./worker";

const rpc = worker.UsersService;

describe("followersOf (for fan-out)", () => {
  it("walks every follower id in pages", async () => {
    const star = await newAccount();
    const fans = await Promise.all(Array.from({ length: 5 }, () => newAccount()));
    for (const fan of fans) {
      await worker.default.fetch(
        request("PUT", `/v1/users/${star.handle}/follow`, { token: fan.accessToken }),
      );
    }
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await rpc.followersOf({ userId: star.user.id, limit: 2, ...(cursor && { cursor }) });
      ids.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids.sort()).toEqual(fans.map((f) => f.user.id).sort());
  });

  it("counts followers without listing them, follows and unfollows included", async () => {
    const star = await newAccount();
    const [ada, bob] = [await newAccount(), await newAccount()];
    expect(await rpc.followersCount(star.user.id)).toBe(0);
    for (const [method, fan] of [
      ["PUT", ada],
      ["PUT", bob],
      ["PUT", bob],
      ["DELETE", ada],
    ] as const) {
      await worker.default.fetch(
        request(method, `/v1/users/${star.handle}/follow`, { token: fan.accessToken }),
      );
    }
    expect(await rpc.followersCount(star.user.id)).toBe(1);
    expect(await rpc.followersCount(newId("usr"))).toBeNull();
    expect((await rpcError(() => rpc.followersCount("nope"))).message).toMatch(/invalid RPC argument/);
  });

  it("rejects arguments that are not valid", async () => {
    expect((await rpcError(() => rpc.followersOf({ userId: "nope", limit: 2 }))).message).toMatch(
      /invalid RPC argument/,
    );
    const tooMany = await rpcError(() => rpc.followersOf({ userId: newId("usr"), limit: 5000 }));
    expect(tooMany.message).toMatch(/invalid RPC argument/);
  });
});

describe("createProfile (for the auth service)", () => {
  it("is idempotent on the id and refuses a handle someone else holds", async () => {
    const id = newId("usr");
    const first = await rpc.createProfile({ id, handle: "first_come", displayName: "First" });
    expect(first).toEqual({
      ok: true,
      profile: { id, handle: "first_come", displayName: "First", avatarUrl: null },
    });
    expect(await rpc.createProfile({ id, handle: "first_come", displayName: "First" })).toMatchObject({
      ok: true,
    });
    expect(await rpc.createProfile({ id: newId("usr"), handle: "first_come", displayName: "Late" })).toEqual({
      ok: false,
      reason: "handle_taken",
    });
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM profiles WHERE handle = 'first_come'",
    ).first<{
      n: number;
    }>();
    expect(rows?.n).toBe(1);
  });

  it("and deleteProfile undoes it", async () => {
    const id = newId("usr");
    await rpc.createProfile({ id, handle: "short_lived", displayName: "Short" });
    await rpc.deleteProfile(id);
    expect(await rpc.getProfile(id)).toBeNull();
  });
});

describe("getProfiles", () => {
  it("returns the known ones of up to 100 ids", async () => {
    const ada = await newAccount();
    const profiles = await rpc.getProfiles([ada.user.id, newId("usr"), ada.user.id]);
    expect(profiles).toEqual([
      { id: ada.user.id, handle: ada.handle, displayName: ada.user.displayName, avatarUrl: null },
    ]);
    const error = await rpcError(() => rpc.getProfiles(Array.from({ length: 101 }, () => newId("usr"))));
    expect(error.message).toMatch(/invalid RPC argument/);
  });

  it("when more ids are asked than one statement takes (90), then every known one is found", async () => {
    const made: string[] = [];
    for (let i = 0; i < 95; i++) {
      const id = newId("usr");
      const handle = unique("g").toLowerCase().slice(0, 30);
      expect(await rpc.createProfile({ id, handle, displayName: `G ${i}` })).toMatchObject({ ok: true });
      made.push(id);
    }
    const asked = [...made, ...Array.from({ length: 5 }, () => newId("usr"))];
    const found = await rpc.getProfiles(asked);
    expect(found.map((p) => p.id).sort()).toEqual([...made].sort());
  });
});

describe("summaries (getProfile, getProfileByHandle, getProfiles, getProfilesByHandles)", () => {
  it("each carry the profile's current name and avatar", async () => {
    const ada = await newAccount();
    await env.DB.prepare("UPDATE profiles SET display_name = ?, avatar_url = ? WHERE id = ?")
      .bind("Ada L.", "https://cdn.example.com/ada.png", ada.user.id)
      .run();
    const summary = {
      id: ada.user.id,
      handle: ada.handle,
      displayName: "Ada L.",
      avatarUrl: "https://cdn.example.com/ada.png",
    };
    expect(await rpc.getProfile(ada.user.id)).toEqual(summary);
    expect(await rpc.getProfileByHandle(ada.handle)).toEqual(summary);
    expect(await rpc.getProfiles([ada.user.id])).toEqual([summary]);
    expect(await rpc.getProfilesByHandles([ada.handle])).toEqual([summary]);
    expect(await rpc.getProfileByHandle("nobody_here_at_all")).toBeNull();
  });
});

describe("getProfilesByHandles (for group members)", () => {
  it("returns the known ones of up to 100 handles, each once, in the order asked", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const summaries = await rpc.getProfilesByHandles([bob.handle, "nobody_at_all", ada.handle, bob.handle]);
    expect(summaries).toEqual([
      { id: bob.user.id, handle: bob.handle, displayName: bob.user.displayName, avatarUrl: null },
      { id: ada.user.id, handle: ada.handle, displayName: ada.user.displayName, avatarUrl: null },
    ]);
    expect(await rpc.getProfilesByHandles([])).toEqual([]);
  });

  it("when more handles are asked than one statement takes (90), then every known one is found", async () => {
    const made: { id: string; handle: string }[] = [];
    for (let i = 0; i < 97; i++) {
      const profile = {
        id: newId("usr"),
        handle: unique("h").toLowerCase().slice(0, 30),
        displayName: `P ${i}`,
      };
      expect(await rpc.createProfile(profile)).toMatchObject({ ok: true });
      made.push(profile);
    }
    const asked = [...made.map((p) => p.handle), "ghost_one", "ghost_two", "ghost_three"];
    const found = await rpc.getProfilesByHandles(asked);
    expect(found.map((p) => [p.id, p.handle])).toEqual(made.map((p) => [p.id, p.handle]));
  });

  it("rejects more than 100 handles, and anything that is not a handle", async () => {
    const tooMany = await rpcError(() =>
      rpc.getProfilesByHandles(Array.from({ length: 101 }, (_, i) => `handle_${i}`)),
    );
    expect(tooMany.message).toMatch(/invalid RPC argument/);
    for (const bad of [["@ada_l"], ["Ada_L"], ["x"], [42], "ada_l"]) {
      const error = await rpcError(() => rpc.getProfilesByHandles(bad as string[]));
      expect(error.message).toMatch(/invalid RPC argument/);
    }
  });
});

describe("ping", () => {
  it("answers when the database does", async () => {
    expect(await rpc.ping()).toBe("ok");
  });
});
