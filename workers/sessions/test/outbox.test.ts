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
import { createSessionsApp } from "../src/app";
import sessionsWorker from "../src/index";
import { call, createSession, newAccount } from "./worker";

const NOTIFICATIONS = "plaza-notification-events";
const app = createSessionsApp();

/** A request through the app with some bindings replaced, waiting for what it left running. */
const through = (req: Request, bindings: Partial<SessionsEnv> = {}) => throughApp(app, env, req, bindings);

const invite = (who: TestAccount, sessionId: string, handles: string[]) =>
  request("POST", `/v1/sessions/${sessionId}/invites`, { token: who.accessToken, body: { handles } });

/** This session's invitations waiting in the outbox. */
const storedInvites = async (sessionId: string) =>
  (await outboxRows(env.DB)).flatMap(({ id, event }) =>
    event.type === "session.invited" && event.data.sessionId === sessionId ? [{ id, event }] : [],
  );

describe("session.invited through the outbox", () => {
  it("when the invitations are sent, then the outbox is left empty", async () => {
    const [host, ada] = [await newAccount(), await newAccount()];
    const session = await createSession(host);

    expect((await call(invite(host, session.id, [ada.handle]))).status).toBe(200);

    const sent = await receivedEvents(
      env.EVENT_SINK,
      NOTIFICATIONS,
      (event) => event.type === "session.invited" && event.data.sessionId === session.id,
    );
    expect(sent).toHaveLength(1);
    await eventually(async () => expect(await storedInvites(session.id)).toEqual([]));
  });

  it("when the queue is down, then the invite still answers 200 and the relay sends every invitation later", async () => {
    const [host, ada, bob] = [await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);
    const queue = failingQueue();

    const response = await through(invite(host, session.id, [ada.handle, bob.handle]), {
      NOTIFICATION_EVENTS: queue,
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { invited: unknown[] }).invited).toHaveLength(2);
    // One send of both invitations was tried, and both wait in the outbox.
    expect(queue.attempts).toBe(1);
    const stored = await storedInvites(session.id);
    expect(
      stored.map((row) => row.event.data).sort((a, b) => a.inviteeId.localeCompare(b.inviteeId)),
    ).toEqual(
      [ada.user.id, bob.user.id].sort().map((inviteeId) => ({
        sessionId: session.id,
        inviteeId,
        title: "Film night",
        inviteCode: session.inviteCode,
      })),
    );

    // Pretend the rows have waited past the relay's grace period, then run the per-minute cron.
    await ageOutboxRows(
      env.DB,
      stored.map((row) => row.id),
    );
    await sessionsWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env);

    const ids = new Set(stored.map((row) => row.id));
    const relayed = await receivedEvents(env.EVENT_SINK, NOTIFICATIONS, (event) => ids.has(event.id), {
      atLeast: 2,
    });
    expect(relayed.map((event) => event.id).sort()).toEqual([...ids].sort());
    expect(await storedInvites(session.id)).toEqual([]);
  });

  it("when nobody known is invited, then nothing is stored or sent", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const queue = failingQueue();

    const response = await through(invite(host, session.id, ["nobody_here_x", host.handle]), {
      NOTIFICATION_EVENTS: queue,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ invited: [], unknown: ["nobody_here_x"] });
    expect(queue.attempts).toBe(0);
    expect(await storedInvites(session.id)).toEqual([]);
  });

  it("the relay takes rows older than 30 seconds and leaves younger ones to their request", async () => {
    const host = await newAccount();
    await expectRelayTakesOnlyOldRows({
      d1: env.DB,
      sink: env.EVENT_SINK,
      queue: NOTIFICATIONS,
      runCron: () => sessionsWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env),
      makeEvent: (tag) =>
        domainEvent(
          "session.invited",
          { sessionId: "wss_relay", inviteeId: `usr_${tag}`, title: "Film night", inviteCode: "ABCDEFGHJK" },
          { actorId: host.user.id, traceparent: TEST_TRACEPARENT },
        ),
    });
  });
});
