import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ulid } from "../../lib/ids";
import { migrateSqlStorage } from "../../lib/sql-migrations";
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

  it("after a wake, knows its entry count without counting and trims at the limit", async () => {
    await runInDurableObject(freshTimeline(), (_instance, state) => {
      const sql = state.storage.sql;
      const stored = () => ({
        counter: Number(sql.exec("SELECT n FROM counters WHERE key = 'entries'").one().n),
        rows: Number(sql.exec("SELECT count(*) AS n FROM entries").one().n),
      });
      const posts = Array.from({ length: TIMELINE_LIMITS.maxEntries }, (_, i) =>
        entry(`usr_${i % 3}`, 1000 + i),
      );
      const first = new TimelineStorage(sql);
      first.addEntries(posts);
      first.addEntries(posts.slice(0, 10)); // already there: nothing counted twice
      first.removeEntries([posts[0]?.postId ?? "", "pst_unknown"]);
      first.removeEntriesBy("usr_1");
      const left =
        TIMELINE_LIMITS.maxEntries - 1 - posts.filter((p, i) => i > 0 && p.authorId === "usr_1").length;
      expect(stored()).toEqual({ counter: left, rows: left });

      // A new wake: nothing in memory. Filling it past the limit trims to the limit.
      const woken = new TimelineStorage(sql);
      const more = Array.from({ length: TIMELINE_LIMITS.maxEntries - left + 3 }, (_, i) =>
        entry("usr_9", 5000 + i),
      );
      expect(woken.addEntries(more)).toBe(more.length);
      expect(stored()).toEqual({ counter: TIMELINE_LIMITS.maxEntries, rows: TIMELINE_LIMITS.maxEntries });
      expect(woken.entries(1, null)[0]?.postId).toBe(more.at(-1)?.postId);
      woken.addEntries([entry("usr_9", 9000)]);
      expect(stored()).toEqual({ counter: TIMELINE_LIMITS.maxEntries, rows: TIMELINE_LIMITS.maxEntries });
    });
  });

  it("runs each migration once, on storage never migrated and on storage some behind", async () => {
    await runInDurableObject(freshTimeline(), (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE _meta");
      // Running one of these twice would fail: the table exists.
      const migrations = ["CREATE TABLE first_table (x)", "CREATE TABLE second_table (x)"];

      migrateSqlStorage(sql, migrations.slice(0, 1));
      migrateSqlStorage(sql, migrations);
      migrateSqlStorage(sql, migrations);

      expect(Number(sql.exec("SELECT value FROM _meta WHERE key = 'schema'").one().value)).toBe(2);
      expect(sql.exec("SELECT count(*) AS n FROM second_table").one().n).toBe(0);
    });
  });

  it("gives a timeline stored before the counter existed its count when it wakes", async () => {
    await runInDurableObject(freshTimeline(), (_instance, state) => {
      const sql = state.storage.sql;
      // The object has just migrated to the latest schema: back to the first one, as stored before.
      sql.exec(`DROP TRIGGER entries_added; DROP TRIGGER entries_removed; DROP TABLE counters;
                UPDATE _meta SET value = 1 WHERE key = 'schema'`);
      for (const post of [entry("usr_a", 1), entry("usr_a", 2), entry("usr_b", 3)]) {
        sql.exec(
          "INSERT INTO entries (post_id, author_id, shared_post_id, created_at) VALUES (?, ?, ?, ?)",
          post.postId,
          post.authorId,
          post.sharedPostId,
          post.createdAt,
        );
      }

      const store = new TimelineStorage(sql);
      store.addEntries([entry("usr_c", 4)]);

      expect(Number(sql.exec("SELECT n FROM counters WHERE key = 'entries'").one().n)).toBe(4);
    });
  });

  it("after a wake, reads the follow states it is asked about from storage", async () => {
    await runInDurableObject(freshTimeline(), (_instance, state) => {
      const before = new TimelineStorage(state.storage.sql);
      before.setFollowing("usr_gone", false, 5);
      before.setFollowing("usr_kept", true, 6);

      const woken = new TimelineStorage(state.storage.sql);
      expect(woken.followee("usr_gone")).toEqual({ following: false, changedAt: 5 });
      expect(woken.followee("usr_kept")).toEqual({ following: true, changedAt: 6 });
      expect(woken.followee("usr_never")).toBeNull();
      woken.setFollowing("usr_never", true, 7);
      expect(woken.followee("usr_never")).toEqual({ following: true, changedAt: 7 });
    });
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
