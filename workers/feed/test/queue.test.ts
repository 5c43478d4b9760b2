import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "../../../durable-objects/timeline/rpc";
import { newId } from "../../../lib/ids";
import type { TestAccount } from "../../../lib/testing/accounts";
import { expectDeadLettered } from "../../../lib/testing/dead-letters";
import { INTERACTION_WEIGHTS } from "../src/events";
import { deliver, event, feedIds, follow, newAccounts, newPost, storedPostIds, timeline } from "./worker";

describe("the events queue", () => {
  it("when the same event is delivered twice, then it has one effect", async () => {
    const [reader, ada] = await newAccounts(2);
    const liked = event(
      "post.liked",
      { postId: newId("pst"), postAuthorId: ada.user.id, userId: reader.user.id },
      reader.user.id,
    );

    const first = await deliver([liked]);
    const again = await deliver([liked, liked]);

    expect(first.result.explicitAcks).toEqual(first.ids);
    expect(again.result.explicitAcks).toEqual(again.ids);
    const { affinity } = await timeline(reader.user.id).readState({ limit: 1, before: null });
    expect(affinity[ada.user.id]).toBeCloseTo(INTERACTION_WEIGHTS.like);
  });

  it("when a post.created is redelivered, then the timelines hold it once", async () => {
    const [ada] = await newAccounts(1);
    const post = await newPost(ada, "once");
    const created = event(
      "post.created",
      {
        postId: post.id,
        authorId: ada.user.id,
        sharedPostId: null,
        mentions: [],
        createdAt: Date.parse(post.createdAt),
      },
      ada.user.id,
    );

    await deliver([created, created]);

    expect((await storedPostIds(ada.user.id)).filter((id) => id === post.id)).toHaveLength(1);
    expect(await feedIds(ada)).toEqual([post.id]);
  });

  it("when a message is not a valid event, then it is acknowledged and sent to the dead-letter queue", async () => {
    const garbage = { hello: "world" };
    const almost = {
      ...event("user.followed", { followerId: "usr_a", followeeId: "usr_b" }, "usr_a"),
      data: {},
    };

    await expectDeadLettered(deliver, [garbage, almost], {
      queue: "plaza-feed-events",
      deadLetterQueue: "plaza-feed-events-dlq",
      sink: env.EVENT_SINK,
    });
  });

  it("when handling fails, then the message is retried with a delay, and a later delivery succeeds", async () => {
    const [ada, bob] = await newAccounts(2);
    const postId = newId("pst");
    const created = event(
      "post.created",
      {
        postId,
        authorId: ada.user.id,
        sharedPostId: null,
        mentions: [],
        createdAt: Date.now(),
      },
      ada.user.id,
    );
    const usersDown = {
      followersOf: () => Promise.reject(new Error("the users service is down")),
    } as unknown as FeedEnv["USERS"];

    const failed = await deliver([created], { ...env, USERS: usersDown });

    expect(failed.result.explicitAcks).toEqual([]);
    expect(failed.result.retryMessages.map((message) => message.msgId)).toEqual(failed.ids);

    const retried = await deliver([created]);
    expect(retried.result.explicitAcks).toEqual(retried.ids);
    expect(await storedPostIds(ada.user.id)).toContain(postId);
    expect(await storedPostIds(bob.user.id)).toEqual([]);
  });

  it("when a batch holds several new posts, then a follower of their authors gets them in one call, and a failing timeline retries only the posts meant for it", async () => {
    const [ada, bob, cyd, dan] = await newAccounts(4);
    await follow(cyd, ada);
    await follow(cyd, bob);
    await follow(dan, bob);
    const adaPost = newId("pst");
    const bobPost = newId("pst");
    const created = (author: TestAccount, postId: string) =>
      event(
        "post.created",
        { postId, authorId: author.user.id, sharedPostId: null, mentions: [], createdAt: Date.now() },
        author.user.id,
      );
    const timelines = recordingTimelines([ada, bob, cyd, dan], dan);

    const first = await deliver([created(ada, adaPost), created(bob, bobPost)], {
      ...env,
      TIMELINES: timelines.binding,
    });

    expect(timelines.addPostsCalls).toEqual(
      expect.arrayContaining([
        { userId: cyd.user.id, postIds: [adaPost, bobPost] },
        { userId: dan.user.id, postIds: [bobPost] },
      ]),
    );
    expect(timelines.addPostsCalls).toHaveLength(2);
    expect(first.result.explicitAcks).toEqual([first.ids[0]]);
    expect(first.result.retryMessages.map((message) => message.msgId)).toEqual([first.ids[1]]);
    expect(await storedPostIds(cyd.user.id)).toEqual(expect.arrayContaining([adaPost, bobPost]));
    expect(await storedPostIds(dan.user.id)).not.toContain(bobPost);

    const retried = await deliver([created(bob, bobPost)]);
    expect(retried.result.explicitAcks).toEqual(retried.ids);
    expect(await storedPostIds(dan.user.id)).toContain(bobPost);
    expect((await storedPostIds(cyd.user.id)).filter((id) => id === bobPost)).toHaveLength(1);
  });
});

/**
 * The Timelines binding, recording each fan-out call (`addPosts`) by the user whose timeline it
 * reached; `failing`'s timeline refuses them, as an unavailable object would.
 */
function recordingTimelines(users: TestAccount[], failing: TestAccount) {
  const real = env.TIMELINES;
  const userOf = new Map(users.map((user) => [real.idFromName(user.user.id).toString(), user.user.id]));
  const addPostsCalls: { userId: string; postIds: string[] }[] = [];
  const binding = {
    idFromName: (name: string) => real.idFromName(name),
    get(id: DurableObjectId) {
      const stub = real.get(id);
      const userId = userOf.get(id.toString()) ?? "someone else";
      return {
        addOwnPost: (entry: TimelineEntry) => stub.addOwnPost(entry),
        isBig: () => stub.isBig(),
        async addPosts(entries: TimelineEntry[]) {
          addPostsCalls.push({ userId, postIds: entries.map((entry) => entry.postId) });
          if (userId === failing.user.id) throw new Error("this timeline is unavailable (test)");
          return stub.addPosts(entries);
        },
      };
    },
  } as unknown as FeedEnv["TIMELINES"];
  return { binding, addPostsCalls };
}
