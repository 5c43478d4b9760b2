import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../lib/ids";
import { expectDeadLettered } from "../../../lib/testing/dead-letters";
import { subscribeBrowser } from "./devices";
import { deliver, event, newAccounts, notificationsOf, providerRequests } from "./worker";

describe("the events queue", () => {
  it("when the same event is delivered again, then nobody is notified twice on any channel", async () => {
    const [ada, bob] = await newAccounts(2);
    const browser = await subscribeBrowser(ada);
    const liked = event(
      "post.liked",
      { postId: newId("pst"), postAuthorId: ada.user.id, userId: bob.user.id },
      bob.user.id,
    );

    const first = await deliver([liked]);
    const again = await deliver([liked, liked]);

    expect(first.result.explicitAcks).toEqual(first.ids);
    expect(again.result.explicitAcks).toEqual(again.ids);
    const page = await notificationsOf(ada);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.others).toBe(0);
    expect(await providerRequests(browser.endpoint)).toHaveLength(1);
  });

  it("when one device fails for now, then the event is retried and only that device is sent to again", async () => {
    const [ada, bob] = await newAccounts(2);
    const steady = await subscribeBrowser(ada);
    const flaky = await subscribeBrowser(ada, "flaky");
    const followed = event(
      "user.followed",
      { followerId: bob.user.id, followeeId: ada.user.id },
      bob.user.id,
    );

    const failed = await deliver([followed]);

    expect(failed.result.explicitAcks).toEqual([]);
    expect(failed.result.retryMessages.map((m) => m.msgId)).toEqual(failed.ids);

    const retried = await deliver([followed]);

    expect(retried.result.explicitAcks).toEqual(retried.ids);
    expect(await providerRequests(steady.endpoint)).toHaveLength(1);
    expect(await providerRequests(flaky.endpoint)).toHaveLength(2);
    expect((await notificationsOf(ada)).items).toHaveLength(1);
  });

  it("when a dependency is down, then the event is retried, and a later delivery notifies once", async () => {
    const [ada, bob] = await newAccounts(2);
    // A push needs bob's name, which only the users service has.
    const browser = await subscribeBrowser(ada);
    const liked = event(
      "post.liked",
      { postId: newId("pst"), postAuthorId: ada.user.id, userId: bob.user.id },
      bob.user.id,
    );
    const usersDown = {
      getProfiles: () => Promise.reject(new Error("the users service is down")),
    } as unknown as NotificationsEnv["USERS"];

    const failed = await deliver([liked], { ...env, USERS: usersDown });
    expect(failed.result.retryMessages.map((m) => m.msgId)).toEqual(failed.ids);

    const retried = await deliver([liked]);
    expect(retried.result.explicitAcks).toEqual(retried.ids);
    expect((await notificationsOf(ada)).items).toHaveLength(1);
    expect(await providerRequests(browser.endpoint)).toHaveLength(1);
  });

  it("when nothing shows a notification now (offline, no devices), then it is stored without asking for names", async () => {
    const [ada, bob] = await newAccounts(2);
    const usersDown = {
      getProfiles: () => Promise.reject(new Error("the users service is down")),
    } as unknown as NotificationsEnv["USERS"];
    const followed = event(
      "user.followed",
      { followerId: bob.user.id, followeeId: ada.user.id },
      bob.user.id,
    );

    const { ids, result } = await deliver([followed], { ...env, USERS: usersDown });

    expect(result.explicitAcks).toEqual(ids);
    const { items } = await notificationsOf(ada);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: "follow", actor: { id: bob.user.id } });
  });

  it("when a message is not a valid event, then it is acknowledged and sent to the dead-letter queue", async () => {
    const garbage = { hello: "notifications" };
    const almost = { ...event("post.liked", { postId: "p", postAuthorId: "a", userId: "b" }, "b"), data: {} };

    await expectDeadLettered(deliver, [garbage, almost], {
      queue: "plaza-notification-events",
      deadLetterQueue: "plaza-notification-events-dlq",
      sink: env.EVENT_SINK,
    });
  });

  it("when a post mentions several people, then each one who exists gets one mention from its author", async () => {
    const [ada, bob, cyd] = await newAccounts(3);
    const post = event(
      "post.created",
      {
        postId: newId("pst"),
        authorId: ada.user.id,
        sharedPostId: null,
        // Two real people (one twice), the author, a handle too short to exist, and nobody.
        mentions: [
          bob.user.handle,
          cyd.user.handle,
          ada.user.handle,
          "ab",
          "no_such_user_y",
          bob.user.handle,
        ],
        createdAt: Date.now(),
      },
      ada.user.id,
    );

    const { ids, result } = await deliver([post]);

    expect(result.explicitAcks).toEqual(ids);
    for (const who of [bob, cyd]) {
      const { items } = await notificationsOf(who);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        type: "mention",
        actor: { id: ada.user.id, handle: ada.user.handle },
      });
    }
    expect((await notificationsOf(ada)).items).toEqual([]);
  });

  it("when a comment also mentions the post's author, then they get the comment notification only", async () => {
    const [ada, bob, cyd] = await newAccounts(3);
    const postId = newId("pst");
    const commented = event(
      "comment.created",
      {
        commentId: newId("cmt"),
        postId,
        postAuthorId: ada.user.id,
        authorId: bob.user.id,
        mentions: [ada.user.handle, cyd.user.handle],
      },
      bob.user.id,
    );

    const { ids, result } = await deliver([commented]);

    expect(result.explicitAcks).toEqual(ids);
    const forAda = (await notificationsOf(ada)).items;
    expect(forAda.map((n) => n.type)).toEqual(["comment"]);
    expect((await notificationsOf(cyd)).items.map((n) => n.type)).toEqual(["mention"]);
  });

  it("when an event names nobody to notify (unfollow, unknown handle, own action), then it is simply acknowledged", async () => {
    const [ada, bob] = await newAccounts(2);
    const events = [
      event("user.unfollowed", { followerId: bob.user.id, followeeId: ada.user.id }, bob.user.id),
      event(
        "post.created",
        {
          postId: newId("pst"),
          authorId: bob.user.id,
          sharedPostId: null,
          mentions: ["no_such_user_x", "BAD HANDLE!"],
          createdAt: Date.now(),
        },
        bob.user.id,
      ),
      event(
        "post.liked",
        { postId: newId("pst"), postAuthorId: ada.user.id, userId: ada.user.id },
        ada.user.id,
      ),
    ];

    const { ids, result } = await deliver(events);

    expect(result.explicitAcks).toEqual(ids);
    expect((await notificationsOf(ada)).items).toEqual([]);
    expect((await notificationsOf(bob)).items).toEqual([]);
  });
});
