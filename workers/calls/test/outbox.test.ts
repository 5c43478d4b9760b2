import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { domainEvent } from "../../../lib/events/publish";
import type { TestAccount } from "../../../lib/testing/accounts";
import { receivedEvents, TEST_TRACEPARENT } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import {
  ageOutboxRows,
  expectRelayTakesOnlyOldRows,
  outboxRows,
  throughApp,
} from "../../../lib/testing/outbox";
import { eventually, failingQueue } from "../../../lib/testing/queues";
import { createCallsApp } from "../src/app";
import callsWorker from "../src/index";
import { type CreatedCall, callRow, createCall, newAccount, ticketFor } from "./worker";

const NOTIFICATIONS = "plaza-notification-events";
const app = createCallsApp();

/** A request through the app with some bindings replaced, waiting for what it left running. */
const through = (req: Request, bindings: Partial<CallsEnv> = {}) => throughApp(app, env, req, bindings);

const newCall = (host: TestAccount, body: Record<string, unknown>) =>
  request("POST", "/v1/calls", { token: host.accessToken, body });

/** This call's invitations waiting in the outbox. */
const storedInvites = async (callId: string) =>
  (await outboxRows(env.DB)).flatMap(({ id, event }) =>
    event.type === "call.invited" && event.data.callId === callId ? [{ id, event }] : [],
  );

describe("call.invited through the outbox", () => {
  it("when the invitations are sent, then the outbox is left empty", async () => {
    const [host, ada] = [await newAccount(), await newAccount()];

    const created = await createCall(host, { inviteHandles: [ada.handle] });

    const sent = await receivedEvents(
      env.EVENT_SINK,
      NOTIFICATIONS,
      (event) => event.type === "call.invited" && event.data.callId === created.id,
    );
    expect(sent).toHaveLength(1);
    await eventually(async () => expect(await storedInvites(created.id)).toEqual([]));
  });

  it("when the queue is down, then the call is still created with its invitations stored, and the relay sends them later", async () => {
    const [host, ada, bob] = [await newAccount(), await newAccount(), await newAccount()];
    const queue = failingQueue();

    const response = await through(
      newCall(host, { title: "Sync", inviteHandles: [ada.handle, bob.handle] }),
      {
        NOTIFICATION_EVENTS: queue,
      },
    );

    expect(response.status).toBe(201);
    const created = (await response.json()) as CreatedCall;
    expect(queue.attempts).toBe(1);
    expect(await callRow(created.id)).toMatchObject({ status: "live" });
    expect((await ticketFor(ada, created.id)).status).toBe(201);
    const stored = await storedInvites(created.id);
    expect(stored.map((row) => row.event.data.inviteeId).sort()).toEqual([ada.user.id, bob.user.id].sort());
    for (const row of stored) {
      expect(row.event).toMatchObject({
        actorId: host.user.id,
        data: { title: "Sync", inviteCode: created.inviteCode },
      });
    }

    // Pretend the rows have waited past the relay's grace period, then run the per-minute cron.
    await ageOutboxRows(
      env.DB,
      stored.map((row) => row.id),
    );
    await callsWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env);

    const ids = new Set(stored.map((row) => row.id));
    const relayed = await receivedEvents(env.EVENT_SINK, NOTIFICATIONS, (event) => ids.has(event.id), {
      atLeast: 2,
    });
    expect(relayed.map((event) => event.id).sort()).toEqual([...ids].sort());
    expect(await storedInvites(created.id)).toEqual([]);
  });

  it("when nobody is invited, then the call is created and nothing is stored or sent", async () => {
    const host = await newAccount();
    const queue = failingQueue();

    const response = await through(newCall(host, { title: "Alone", inviteHandles: [host.handle] }), {
      NOTIFICATION_EVENTS: queue,
    });

    expect(response.status).toBe(201);
    const created = (await response.json()) as CreatedCall;
    expect(await callRow(created.id)).toMatchObject({ status: "live" });
    expect(queue.attempts).toBe(0);
    expect(await storedInvites(created.id)).toEqual([]);
  });

  it("the relay takes rows older than 30 seconds and leaves younger ones to their request", async () => {
    const host = await newAccount();
    await expectRelayTakesOnlyOldRows({
      d1: env.DB,
      sink: env.EVENT_SINK,
      queue: NOTIFICATIONS,
      runCron: () => callsWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env),
      makeEvent: (tag) =>
        domainEvent(
          "call.invited",
          { callId: "cal_relay", inviteeId: `usr_${tag}`, title: null, inviteCode: "ABCDEFGHJK" },
          { actorId: host.user.id, traceparent: TEST_TRACEPARENT },
        ),
    });
  });
});
