import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ulid } from "../../lib/ids";
import { unique } from "../../lib/testing/http";
import type { TimelineEntry } from "./rpc";
import { decayedAffinity, TIMELINE_LIMITS, TimelineStorage } from "./storage";

/** A Timeline of its own for each test. */
const freshTimeline = () => env.TIMELINES.get(env.TIMELINES.idFromName(unique("timeline")));

const entry = (authorId: string, createdAt: number): TimelineEntry => ({
  postId: `pst_${ulid(createdAt)}`,
  authorId,
  sharedPostId: null,
  createdAt,
});

const ids = (entries: TimelineEntry[]) => entries.map((e) => e.postId);

describe("Timeline", () => {
  it("when follow changes arrive out of order, then the newest one wins", async () => {
    const stub = freshTimeline();
    const post = entry("usr_author", 1000);

    expect(await stub.unfollow({ authorId: "usr_author", at: 2000 })).toBe(true);
    expect(await stub.follow({ authorId: "usr_author", at: 1000, big: false, posts: [post] })).toBe(false);

    expect((await stub.readState({ limit: 10, before: null })).entries).toEqual([]);
  });

  it("when a big author is forgotten, then their recent posts are added, only theirs and only if followed", async () => {
    const stub = freshTimeline();
    await stub.follow({ authorId: "usr_star", at: 1, big: true, posts: [] });
    await stub.follow({ authorId: "usr_left", at: 1, big: true, posts: [] });
    await stub.unfollow({ authorId: "usr_left", at: 2 });
    expect((await stub.readState({ limit: 1, before: null })).bigAuthors).toEqual(["usr_star"]);

    const recent = [entry("usr_star", 10), entry("usr_star", 20), entry("usr_intruder", 30)];
    await stub.forgetBigAuthor("usr_star", recent);
    await stub.forgetBigAuthor("usr_star", recent);
    await stub.forgetBigAuthor("usr_left", [entry("usr_left", 40)]);

    const state = await stub.readState({ limit: 10, before: null });
    expect(state.bigAuthors).toEqual([]);
    expect(ids(state.entries)).toEqual(ids([recent[1], recent[0]] as TimelineEntry[]));
  });

  it("when an author's own flag is cleared, then they are no longer big", async () => {
    const stub = freshTimeline();
    await stub.markSelfBig();
    expect(await stub.isBig()).toBe(true);
    await stub.unmarkSelfBig();
    await stub.unmarkSelfBig();
    expect(await stub.isBig()).toBe(false);
  });

  it("when a fan-out lands after an unfollow, then it is ignored; unknown authors are accepted", async () => {
    const stub = freshTimeline();
    await stub.follow({ authorId: "usr_gone", at: 1, big: false, posts: [] });
    await stub.unfollow({ authorId: "usr_gone", at: 2 });

    const added = await stub.addPosts([entry("usr_gone", 10), entry("usr_other", 20)]);

    expect(added).toBe(1);
    const { entries } = await stub.readState({ limit: 10, before: null });
    expect(entries.map((e) => e.authorId)).toEqual(["usr_other"]);
  });

  it("backfills only the followed author's posts, and merges big authors only while followed", async () => {
    const stub = freshTimeline();
    await stub.follow({
      authorId: "usr_a",
      at: 1,
      big: false,
      posts: [entry("usr_a", 5), entry("usr_intruder", 6)],
    });
    await stub.follow({ authorId: "usr_big", at: 1, big: true, posts: [] });
    await stub.rememberBigAuthor("usr_not_followed");

    const state = await stub.readState({ limit: 10, before: null });
    expect(state.entries.map((e) => e.authorId)).toEqual(["usr_a"]);
    expect(state.bigAuthors).toEqual(["usr_big"]);

    await stub.unfollow({ authorId: "usr_big", at: 2 });
    expect((await stub.readState({ limit: 1, before: null })).bigAuthors).toEqual([]);
  });

  it("pages entries newest first by time and id", async () => {
    const stub = freshTimeline();
    const posts = [entry("usr_a", 100), entry("usr_a", 200), entry("usr_a", 200), entry("usr_a", 300)];
    await stub.addPosts(posts);
    const newestFirst = ids(
      [...posts].sort((a, b) => b.createdAt - a.createdAt || (a.postId < b.postId ? 1 : -1)),
    );

    const first = await stub.readState({ limit: 2, before: null });
    const last = first.entries.at(-1);
    if (!last) throw new Error("no entries");
    const second = await stub.readState({ limit: 2, before: { at: last.createdAt, id: last.postId } });

    expect([...ids(first.entries), ...ids(second.entries)]).toEqual(newestFirst);
  });

  it("keeps the newest entries when it grows past its limit", async () => {
    const stub = freshTimeline();
    const count = TIMELINE_LIMITS.maxEntries + 5;
    const posts = Array.from({ length: count }, (_, i) => entry("usr_a", 1000 + i));
    await stub.addPosts(posts);

    const { entries } = await stub.readState({ limit: count, before: null });
    expect(entries).toHaveLength(TIMELINE_LIMITS.maxEntries);
    expect(entries.at(-1)?.postId).toBe(posts[5]?.postId);
  });

  it("counts an interaction once per event id", async () => {
    const stub = freshTimeline();
    const like = { eventId: "evt_1", authorId: "usr_a", weight: 1 };
    expect(await stub.recordInteraction(like)).toBe(true);
    expect(await stub.recordInteraction(like)).toBe(false);
    expect(await stub.recordInteraction({ ...like, eventId: "evt_2", weight: 3 })).toBe(true);

    const { affinity } = await stub.readState({ limit: 1, before: null });
    expect(Object.keys(affinity)).toEqual(["usr_a"]);
    expect(affinity.usr_a).toBeCloseTo(4);
  });

  it("lets affinity fade and snapshots expire", async () => {
    const halfLife = TIMELINE_LIMITS.affinityHalfLifeMs;
    expect(decayedAffinity(4, 0, 2 * halfLife)).toBeCloseTo(1);

    await runInDurableObject(freshTimeline(), (_instance, state) => {
      const store = new TimelineStorage(state.storage.sql);
      store.addAffinity("usr_old", 1, 0);
      store.addAffinity("usr_new", 1, 10 * halfLife);
      expect(Object.keys(store.affinity(10 * halfLife))).toEqual(["usr_new"]);

      store.saveSnapshot("snap", { postIds: ["pst_1"], tail: null }, 1000);
      expect(store.snapshot("snap", 1000 + TIMELINE_LIMITS.snapshotTtlMs)).toEqual({
        postIds: ["pst_1"],
        tail: null,
      });
      expect(store.snapshot("snap", 1001 + TIMELINE_LIMITS.snapshotTtlMs)).toBeNull();
    });
  });
});
