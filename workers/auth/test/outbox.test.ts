import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { domainEvent } from "../../../lib/events/publish";
import { registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { receivedEvents, TEST_TRACEPARENT } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import {
  ageOutboxRows,
  expectRelayTakesOnlyOldRows,
  outboxRows,
  throughApp,
} from "../../../lib/testing/outbox";
import { eventually, failingQueue } from "../../../lib/testing/queues";
import { createAuthApp } from "../src/app";
import authWorker from "../src/index";
import { worker } from "./worker";

const NOTIFICATIONS = "plaza-notification-events";
const NEW_PASSWORD = "an entirely new passphrase";
const app = createAuthApp();

/** A request through the app with some bindings replaced, waiting for what it left running. */
const through = (req: Request, bindings: Partial<AuthEnv> = {}) => throughApp(app, env, req, bindings);

const changePassword = (account: TestAccount) =>
  request("POST", "/v1/auth/password", {
    token: account.accessToken,
    body: { currentPassword: account.password, newPassword: NEW_PASSWORD },
  });

const login = (account: TestAccount, password: string) =>
  worker.default.fetch(request("POST", "/v1/auth/login", { body: { email: account.email, password } }));

const noticesFor = async (account: TestAccount) =>
  (await outboxRows(env.DB)).filter(
    (row) => row.event.type === "account.password_changed" && row.event.data.userId === account.user.id,
  );

describe("account.password_changed through the outbox", () => {
  it("when the change succeeds, then the notice is sent and the outbox is left empty", async () => {
    const account = await registerAccount(worker.default);

    expect((await worker.default.fetch(changePassword(account))).status).toBe(204);

    const sent = await receivedEvents(
      env.EVENT_SINK,
      NOTIFICATIONS,
      (event) => event.type === "account.password_changed" && event.actorId === account.user.id,
    );
    expect(sent).toHaveLength(1);
    await eventually(async () => expect(await noticesFor(account)).toEqual([]));
  });

  it("when the queue is down, then the change still answers 204, takes effect, and the relay sends the notice later", async () => {
    const account = await registerAccount(worker.default);
    const other = await login(account, account.password);
    const otherSession = (await other.json()) as { refreshToken: string };
    const queue = failingQueue();

    const response = await through(changePassword(account), { NOTIFICATION_EVENTS: queue });

    expect(response.status).toBe(204);
    expect(queue.attempts).toBe(1);
    // The change is complete: the new password signs in, the old one does not, other sessions ended.
    expect((await login(account, NEW_PASSWORD)).status).toBe(200);
    expect((await login(account, account.password)).status).toBe(401);
    const refreshed = await worker.default.fetch(
      request("POST", "/v1/auth/refresh", { body: { refreshToken: otherSession.refreshToken } }),
    );
    expect(refreshed.status).toBe(401);
    const [stored, ...more] = await noticesFor(account);
    expect(more).toEqual([]);
    expect(stored?.event).toMatchObject({ actorId: account.user.id, data: { userId: account.user.id } });

    // Pretend the row has waited past the relay's grace period, then run the per-minute cron.
    await ageOutboxRows(env.DB, stored ? [stored.id] : []);
    await authWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env);

    const relayed = await receivedEvents(env.EVENT_SINK, NOTIFICATIONS, (event) => event.id === stored?.id);
    expect(relayed).toEqual([stored?.event]);
    expect(await noticesFor(account)).toEqual([]);
  });

  it("when the current password is wrong, then nothing is stored", async () => {
    const account = await registerAccount(worker.default);
    const queue = failingQueue();

    const response = await through(
      request("POST", "/v1/auth/password", {
        token: account.accessToken,
        body: { currentPassword: "not the password", newPassword: NEW_PASSWORD },
      }),
      { NOTIFICATION_EVENTS: queue },
    );

    expect(response.status).toBe(403);
    expect(queue.attempts).toBe(0);
    expect(await noticesFor(account)).toEqual([]);
  });

  it("the relay takes rows older than 30 seconds and leaves younger ones to their request", async () => {
    const account = await registerAccount(worker.default);
    await expectRelayTakesOnlyOldRows({
      d1: env.DB,
      sink: env.EVENT_SINK,
      queue: NOTIFICATIONS,
      runCron: () => authWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env),
      makeEvent: () =>
        domainEvent(
          "account.password_changed",
          { userId: account.user.id },
          { actorId: account.user.id, traceparent: TEST_TRACEPARENT },
        ),
    });
  });
});
