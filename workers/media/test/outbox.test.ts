import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../../lib/events/catalog";
import { outboxInsert } from "../../../lib/events/outbox";
import { domainEvent } from "../../../lib/events/publish";
import { receivedEvents, TEST_TRACEPARENT } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import { ageOutboxRows, outboxRows, throughApp } from "../../../lib/testing/outbox";
import { eventually, failingQueue } from "../../../lib/testing/queues";
import { createMediaApp } from "../src/app";
import mediaWorker from "../src/index";
import { makePng } from "./fixtures";
import { call, mediaRow, newAccount, uploaded } from "./worker";

const POSTS = "plaza-posts-events";
const app = createMediaApp();

/** A request through the app with some bindings replaced, waiting for what it left running. */
const through = (req: Request, bindings: Partial<MediaEnv> = {}) => throughApp(app, env, req, bindings);

const deletedEvents = async (mediaId: string) =>
  (await outboxRows(env.DB)).filter(
    (row) => row.event.type === "media.deleted" && row.event.data.mediaId === mediaId,
  );

describe("media.deleted through the outbox", () => {
  it("when the delete succeeds, then the event is sent and the outbox is left empty", async () => {
    const me = await newAccount();
    const media = await uploaded(me, await makePng(4, 4), "image/png");
    expect((await call(request("DELETE", `/v1/media/${media.id}`, { token: me.accessToken }))).status).toBe(
      204,
    );

    const sent = await receivedEvents(
      env.EVENT_SINK,
      POSTS,
      (event) => event.type === "media.deleted" && event.data.mediaId === media.id,
    );
    expect(sent).toHaveLength(1);
    await eventually(async () => expect(await deletedEvents(media.id)).toEqual([]));
  });

  it("when the queue is down, then the delete still answers 204 and the relay sends the event later", async () => {
    const me = await newAccount();
    const media = await uploaded(me, await makePng(4, 4), "image/png");
    const queue = failingQueue();

    const response = await through(request("DELETE", `/v1/media/${media.id}`, { token: me.accessToken }), {
      POSTS_EVENTS: queue,
    });

    expect(response.status).toBe(204);
    expect(queue.attempts).toBe(1);
    expect(await mediaRow(media.id)).toBeNull();
    const [stored] = await deletedEvents(media.id);
    expect(stored?.event).toMatchObject({
      actorId: me.user.id,
      data: { mediaId: media.id, ownerId: me.user.id },
    });

    // Pretend the row has waited past the relay's grace period, then run the per-minute cron.
    await ageOutboxRows(env.DB, stored ? [stored.id] : []);
    await mediaWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env);

    const relayed = await receivedEvents(env.EVENT_SINK, POSTS, (event) => event.id === stored?.id);
    expect(relayed).toEqual([stored?.event]);
    expect(await deletedEvents(media.id)).toEqual([]);
  });

  it("leaves fresh rows to their request: the relay only takes rows older than 30 seconds", async () => {
    const me = await newAccount();
    const fresh: DomainEvent = domainEvent(
      "media.deleted",
      { mediaId: "med_fresh", ownerId: me.user.id },
      { actorId: me.user.id, traceparent: TEST_TRACEPARENT },
    );
    await outboxInsert(env.DB, [fresh]).run();

    await mediaWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env);

    expect((await outboxRows(env.DB)).map((row) => row.id)).toContain(fresh.id);
  });
});
