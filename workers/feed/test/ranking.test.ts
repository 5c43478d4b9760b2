import { describe, expect, it } from "vitest";
import { RANKING, scoreOf } from "../src/ranking";
import { comment, eventually, feedIds, follow, like, newAccounts, newPost, timeline } from "./worker";

const HOUR = 3_600_000;
const fresh = { ageMs: 0, likes: 0, comments: 0, shares: 0, affinity: 0 };

describe("scoreOf", () => {
  it("halves a post's score every half-life", () => {
    const aged = scoreOf({ ...fresh, ageMs: RANKING.halfLifeHours * HOUR });
    expect(aged).toBeCloseTo(scoreOf(fresh) / 2);
  });

  it("rises with engagement and affinity, less and less with each one", () => {
    const liked = (likes: number) => scoreOf({ ...fresh, likes });
    expect(liked(1)).toBeGreaterThan(liked(0));
    expect(liked(2) - liked(1)).toBeLessThan(liked(1) - liked(0));
    expect(scoreOf({ ...fresh, comments: 1 })).toBeGreaterThan(liked(1));
    expect(scoreOf({ ...fresh, shares: 1 })).toBeGreaterThan(scoreOf({ ...fresh, comments: 1 }));
    expect(scoreOf({ ...fresh, affinity: 1 })).toBeGreaterThan(scoreOf(fresh));
  });

  it("keeps a popular post from two days ago below a new one", () => {
    expect(scoreOf({ ...fresh, ageMs: 48 * HOUR, likes: 100 })).toBeLessThan(scoreOf(fresh));
  });
});

describe("GET /v1/feed ranking", () => {
  it("when an older post has engagement, then it ranks above a newer one, and order=latest does not", async () => {
    const [reader, ada, bob, fan] = await newAccounts(4);
    await follow(reader, ada);
    await follow(reader, bob);
    const loved = await newPost(ada, "older, and loved");
    const quiet = await newPost(bob, "newer, and quiet");
    await like(fan, loved.id);
    await comment(fan, loved.id);

    await eventually(async () => expect(await feedIds(reader, "order=latest")).toEqual([quiet.id, loved.id]));
    expect(await feedIds(reader)).toEqual([loved.id, quiet.id]);
  });

  it("when the reader interacts with an author, then that author's new posts are boosted", async () => {
    const [reader, cat, dog] = await newAccounts(3);
    await follow(reader, cat);
    await follow(reader, dog);
    const earlier = await newPost(cat, "an earlier post");
    await like(reader, earlier.id);
    await eventually(async () => {
      const { affinity } = await timeline(reader.user.id).readState({ limit: 1, before: null });
      expect(affinity[cat.user.id]).toBeCloseTo(1);
    });

    const fromCat = await newPost(cat, "from an author I like");
    const fromDog = await newPost(dog, "newer, from someone else");

    const latest = await eventually(async () => {
      const ids = await feedIds(reader, "order=latest");
      expect(ids.slice(0, 2)).toEqual([fromDog.id, fromCat.id]);
      return ids;
    });
    const ranked = await feedIds(reader);
    expect(ranked.indexOf(fromCat.id)).toBeLessThan(ranked.indexOf(fromDog.id));
    expect(new Set(ranked)).toEqual(new Set(latest));
  });
});
