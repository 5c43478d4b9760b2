import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { relayOutbox } from "../../../lib/events/outbox";
import { domainEvent } from "../../../lib/events/publish";
import type { TestAccount } from "../../../lib/testing/accounts";
import { receivedEvents, TEST_TRACEPARENT } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import { expectRelayTakesOnlyOldRows, outboxRows, throughApp } from "../../../lib/testing/outbox";
import { failingQueue } from "../../../lib/testing/queues";
import { createUsersApp } from "../src/app";
import { eventQueues } from "../src/deps";
import usersWorker from "../src/index";
import { newAccount } from "./worker";

const FEED = "plaza-feed-events";
const app = createUsersApp();

/** A request through the app with some bindings replaced, waiting for what it left running. */
const through = (req: Request, bindings: Partial<UsersEnv> = {}) => throughApp(app, env, req, bindings);

const followRequest = (method: "PUT" | "DELETE", who: TestAccount, handle: string) =>
  request(method, `/v1/users/${handle}/follow`, { token: who.accessToken });

/** The outbox rows of follow events between these two users. */
const rowsBetween = async (follower: TestAccount, followee: TestAccount) =>
  (await outboxRows(env.DB)).filter(
    (row) =>
      (row.event.type === "user.followed" || row.event.type === "user.unfollowed") &&
      row.event.data.followerId === follower.user.id &&
      row.event.data.followeeId === followee.user.id,
  );

describe("follows and their events", () => {
  it("when the queues work, then the event is sent and its outbox row deleted", async () => {
    const ada = await newAccount();
    const bob = await newAccount();

    const response = await through(followRequest("PUT", bob, ada.handle));

    expect(response.status).toBe(204);
    const sent = await receivedEvents(
      env.EVENT_SINK,
      FEED,
      (e) => e.type === "user.followed" && e.actorId === bob.user.id,
    );
    expect(sent).toHaveLength(1);
    expect(await rowsBetween(bob, ada)).toEqual([]);
  });

  it("when the send fails, then follow and unfollow still answer 204 and each stores one event, a no-op none", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    const queue = failingQueue();
    const down = { FEED_EVENTS: queue };

    const statuses: number[] = [];
    for (const method of ["PUT", "PUT", "DELETE", "DELETE"] as const) {
      statuses.push((await through(followRequest(method, bob, ada.handle), down)).status);
    }

    expect(statuses).toEqual([204, 204, 204, 204]);
    // Only the two changes tried to send; the no-ops had nothing to send.
    expect(queue.attempts).toBe(2);
    const rows = await rowsBetween(bob, ada);
    expect(rows.map((row) => row.event.type)).toEqual(["user.followed", "user.unfollowed"]);

    const relayed = await relayOutbox(env.DB, eventQueues(env), { olderThanMs: 0, limit: 500 });
    expect(relayed.failed).toBe(0);
    const ids = new Set(rows.map((row) => row.id));
    const delivered = await receivedEvents(env.EVENT_SINK, FEED, (e) => ids.has(e.id), { atLeast: 2 });
    expect(delivered.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(await rowsBetween(bob, ada)).toEqual([]);
  });
});

describe("the outbox relay's cron trigger", () => {
  it("relays rows older than 30 seconds and leaves younger ones", async () => {
    const ada = await newAccount();
    await expectRelayTakesOnlyOldRows({
      d1: env.DB,
      sink: env.EVENT_SINK,
      queue: FEED,
      runCron: () => usersWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env),
      makeEvent: (tag) =>
        domainEvent(
          "user.followed",
          { followerId: ada.user.id, followeeId: `usr_${tag}` },
          { actorId: ada.user.id, traceparent: TEST_TRACEPARENT },
        ),
    });
  });
});
