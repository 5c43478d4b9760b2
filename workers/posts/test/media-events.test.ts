import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { domainEvent } from "../../../lib/events/publish";
import { expectDeadLettered } from "../../../lib/testing/dead-letters";
import { TEST_TRACEPARENT } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import { eventually } from "../../../lib/testing/queues";
import { call, deliver, newAccount, newPost, type PostBody, uploadImage } from "./worker";

async function mediaIdsOf(postId: string): Promise<string[]> {
  const response = await call(request("GET", `/v1/posts/${postId}`));
  expect(response.status).toBe(200);
  return ((await response.json()) as PostBody).media.map((media) => media.id);
}

const mediaDeleted = (mediaId: string, ownerId: string) =>
  domainEvent("media.deleted", { mediaId, ownerId }, { actorId: ownerId, traceparent: TEST_TRACEPARENT });

describe("media.deleted (plaza-posts-events)", () => {
  it("when the owner deletes a media, then the posts that showed it drop it and keep the others in order", async () => {
    const ada = await newAccount();
    const [gone, kept] = [await uploadImage(ada), await uploadImage(ada)];
    const both = await newPost(ada, "two pictures", { mediaIds: [gone, kept] });
    const only = await newPost(ada, "one picture", { mediaIds: [gone] });
    const other = await newPost(ada, "the other one", { mediaIds: [kept] });

    const deleted = await env.MEDIA_HTTP.fetch(
      request("DELETE", `/v1/media/${gone}`, { token: ada.accessToken }),
    );
    expect(deleted.status).toBe(204);

    // media publishes media.deleted; this Worker consumes it from the real queue.
    await eventually(async () => expect(await mediaIdsOf(both.id)).toEqual([kept]));
    expect(await mediaIdsOf(only.id)).toEqual([]);
    expect(await mediaIdsOf(other.id)).toEqual([kept]);
  });

  it("when the event is delivered again, or names someone else as owner, then nothing changes", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const picture = await uploadImage(ada);
    const post = await newPost(ada, "mine", { mediaIds: [picture] });

    const foreign = await deliver([mediaDeleted(picture, bob.user.id)]);
    expect(foreign.result.explicitAcks).toEqual(foreign.ids);
    expect(await mediaIdsOf(post.id)).toEqual([picture]);

    const event = mediaDeleted(picture, ada.user.id);
    const twice = await deliver([event, event]);
    expect(twice.result.explicitAcks).toEqual(twice.ids);
    expect(twice.result.retryMessages).toEqual([]);
    expect(await mediaIdsOf(post.id)).toEqual([]);
  });

  it("when a message is not a valid event, then it is acknowledged and sent to the dead-letter queue", async () => {
    const almost = { ...mediaDeleted("med_x", "usr_x"), data: { mediaId: "med_x" } };
    await expectDeadLettered(deliver, [{ hello: "world" }, almost], {
      queue: "plaza-posts-events",
      deadLetterQueue: "plaza-posts-events-dlq",
      sink: env.EVENT_SINK,
    });
  });
});
