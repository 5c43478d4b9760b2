import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../lib/ids";
import type { TestAccount } from "../../../lib/testing/accounts";
import { request } from "../../../lib/testing/http";
import { openSocket } from "../../../lib/testing/sockets";
import { deliver, event, eventually, follow, newAccounts, newPost } from "./worker";

/** The user's live channel on the real notifications Worker (/v1/me/ws), connected. */
async function liveChannel(who: TestAccount) {
  const response = await env.NOTIFICATIONS_HTTP.fetch(
    request("POST", "/v1/me/tickets", { token: who.accessToken }),
  );
  expect(response.status).toBe(201);
  const { ticket } = (await response.json()) as { ticket: string };
  const { socket } = await openSocket(env.NOTIFICATIONS_HTTP, "/v1/me/ws", ticket);
  if (!socket) throw new Error("live channel upgrade refused");
  await socket.next("welcome");
  return socket;
}

async function isOnline(userId: string): Promise<boolean> {
  const row = await env.NOTIFICATIONS_DB.prepare("SELECT 1 FROM online_users WHERE user_id = ?")
    .bind(userId)
    .first();
  return row !== null;
}

describe("live feed updates", () => {
  it("when an author posts, then followers who are online get feed.new on their channel", async () => {
    const [ada, bob, cyd] = await newAccounts(3);
    await follow(bob, ada);
    await follow(cyd, ada);
    const bobLive = await liveChannel(bob);
    expect(await isOnline(bob.user.id)).toBe(true);
    expect(await isOnline(cyd.user.id)).toBe(false);

    const post = await newPost(ada, "news for whoever is here");

    const frame = await bobLive.next("feed.new", 5000);
    expect(frame).toEqual({ type: "feed.new", postId: post.id, authorId: ada.user.id });

    // The last socket closing takes the user out of the presence index.
    bobLive.close();
    await eventually(async () => expect(await isOnline(bob.user.id)).toBe(false));
  });

  it("when a batch holds several new posts, then online followers get feed.new for each, announced in one call", async () => {
    const [ada, bob, cyd, dan] = await newAccounts(4);
    await follow(cyd, ada);
    await follow(cyd, bob);
    await follow(dan, bob);
    const cydLive = await liveChannel(cyd);
    const [adaPost, bobPost] = [newId("pst"), newId("pst")];
    const created = (author: TestAccount, postId: string) =>
      event(
        "post.created",
        { postId, authorId: author.user.id, sharedPostId: null, mentions: [], createdAt: Date.now() },
        author.user.id,
      );
    let calls = 0;
    const notifications = {
      publishManyToOnline: (broadcasts: Parameters<FeedEnv["NOTIFICATIONS"]["publishManyToOnline"]>[0]) => {
        calls++;
        return env.NOTIFICATIONS.publishManyToOnline(broadcasts);
      },
    } as unknown as FeedEnv["NOTIFICATIONS"];

    const delivered = await deliver([created(ada, adaPost), created(bob, bobPost)], {
      ...env,
      NOTIFICATIONS: notifications,
    });

    expect(delivered.result.explicitAcks).toEqual(delivered.ids);
    expect(calls).toBe(1);
    expect(await cydLive.next("feed.new", 5000)).toEqual({
      type: "feed.new",
      postId: adaPost,
      authorId: ada.user.id,
    });
    expect(await cydLive.next("feed.new", 5000)).toEqual({
      type: "feed.new",
      postId: bobPost,
      authorId: bob.user.id,
    });
    cydLive.close();
  });
});
