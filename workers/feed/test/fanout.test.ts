import { describe, expect, it } from "vitest";
import {
  deletePost,
  eventually,
  feedIds,
  follow,
  newAccounts,
  newPost,
  sharePost,
  storedPostIds,
  timeline,
  unfollow,
} from "./worker";

// The test config sets FANOUT_LIMIT to 2: an author with 3 followers is big.

describe("fan-out on write", () => {
  it("when an author posts, then each follower's timeline gets it, and so does the author's own feed", async () => {
    const [ada, bob, cyd, dan] = await newAccounts(4);
    await follow(bob, ada);
    await follow(cyd, ada);

    const post = await newPost(ada, "to my followers");

    for (const reader of [ada, bob, cyd]) {
      await eventually(async () => expect(await storedPostIds(reader.user.id)).toContain(post.id));
      expect(await feedIds(reader)).toContain(post.id);
    }
    expect(await feedIds(dan)).not.toContain(post.id);
    expect(await storedPostIds(dan.user.id)).not.toContain(post.id);
  });

  it("when someone shares a post, then the sharer's followers get the share, hydrated with the original", async () => {
    const [ada, bob, cyd] = await newAccounts(3);
    await follow(cyd, bob);
    const original = await newPost(ada, "worth sharing");

    const share = await sharePost(bob, original.id);

    const feed = await eventually(async () => {
      const ids = await feedIds(cyd, "order=latest");
      expect(ids).toContain(share.id);
      return ids;
    });
    expect(feed).not.toContain(original.id);
  });
});

describe("follow and unfollow", () => {
  it("when a user follows an author, then the author's recent posts are backfilled", async () => {
    const [ada, bob] = await newAccounts(2);
    const first = await newPost(ada, "before you came");
    const second = await newPost(ada, "still before");

    await follow(bob, ada);

    await eventually(async () => {
      expect(await storedPostIds(bob.user.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    });
    expect(await feedIds(bob, "order=latest")).toEqual([second.id, first.id]);
  });

  it("when a user unfollows an author, then the author's posts leave the timeline", async () => {
    const [ada, bob] = await newAccounts(2);
    await follow(bob, ada);
    const post = await newPost(ada);
    await eventually(async () => expect(await feedIds(bob)).toContain(post.id));

    await unfollow(bob, ada);

    await eventually(async () => expect(await storedPostIds(bob.user.id)).not.toContain(post.id));
    expect(await feedIds(bob)).not.toContain(post.id);
    expect(await feedIds(ada)).toContain(post.id);
  });
});

describe("deleted posts", () => {
  it("when an author deletes a post, then it leaves every timeline and never shows again", async () => {
    const [ada, bob, cyd] = await newAccounts(3);
    await follow(bob, ada);
    await follow(cyd, ada);
    const kept = await newPost(ada, "stays");
    const doomed = await newPost(ada, "goes");
    await eventually(async () => {
      expect(await storedPostIds(bob.user.id)).toContain(doomed.id);
      expect(await storedPostIds(cyd.user.id)).toContain(doomed.id);
    });

    await deletePost(ada, doomed.id);

    // At once: the posts service no longer returns it, whatever the timeline still holds.
    expect(await feedIds(cyd, "order=latest")).toEqual([kept.id]);
    // Then post.deleted takes it off the other timelines (bob's feed was not read meanwhile).
    await eventually(async () => {
      expect(await storedPostIds(bob.user.id)).not.toContain(doomed.id);
      expect(await storedPostIds(ada.user.id)).not.toContain(doomed.id);
    });
    expect(await storedPostIds(bob.user.id)).toContain(kept.id);
    expect(await feedIds(bob)).toEqual([kept.id]);
  });
});

describe("big authors", () => {
  it("when an author has more followers than the limit, then posts are merged at read instead of fanned out", async () => {
    const [star, bob, cyd, dan, eve] = await newAccounts(5);
    await follow(bob, star);
    await follow(cyd, star);
    await follow(dan, star);
    // Each follow is applied before the post, so the timelines know whom they follow.
    await eventually(async () =>
      expect(await timeline(dan.user.id).readState({ limit: 1, before: null })).toMatchObject({
        bigAuthors: [star.user.id],
      }),
    );

    const post = await newPost(star, "to the masses");

    for (const fan of [bob, cyd, dan]) {
      await eventually(async () => expect(await feedIds(fan)).toContain(post.id));
      expect(await storedPostIds(fan.user.id)).not.toContain(post.id);
    }
    await eventually(async () => expect(await timeline(star.user.id).isBig()).toBe(true));
    expect(await feedIds(star)).toContain(post.id);

    // A new follower of a big author gets no backfill, and merges the author at read too.
    await follow(eve, star);
    await eventually(async () => expect(await feedIds(eve)).toContain(post.id));
    expect(await storedPostIds(eve.user.id)).toEqual([]);
  });

  it("when a big author is down to three quarters of the limit, then their posts are fanned out again", async () => {
    const [star, bob, cyd, dan] = await newAccounts(4);
    for (const fan of [bob, cyd, dan]) await follow(fan, star);
    await eventually(async () =>
      expect((await timeline(bob.user.id).readState({ limit: 1, before: null })).bigAuthors).toEqual([
        star.user.id,
      ]),
    );
    const before = await newPost(star, "while big");
    await eventually(async () => expect(await timeline(star.user.id).isBig()).toBe(true));

    // The limit is 2, so smallAgainAt(2) = 1 follower: two unfollows make the author small again.
    await unfollow(dan, star);
    await unfollow(cyd, star);
    await eventually(async () => expect(await timeline(star.user.id).isBig()).toBe(false));
    await eventually(async () => {
      const state = await timeline(bob.user.id).readState({ limit: 10, before: null });
      expect(state.bigAuthors).toEqual([]);
      expect(state.entries.map((entry) => entry.postId)).toContain(before.id);
    });

    const after = await newPost(star, "small again");
    await eventually(async () => expect(await storedPostIds(bob.user.id)).toContain(after.id));
    expect(await feedIds(bob, "order=latest")).toEqual([after.id, before.id]);
    // Those who left get nothing back.
    expect(await storedPostIds(cyd.user.id)).not.toContain(before.id);
    expect(await feedIds(dan, "order=latest")).toEqual([]);
  });
});
