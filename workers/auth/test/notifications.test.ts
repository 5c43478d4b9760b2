import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerAccount } from "../../../lib/testing/accounts";
import { receivedEvents } from "../../../lib/testing/events";
import { request, rpcError } from "../../../lib/testing/http";
import { worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);
const QUEUE = "plaza-notification-events";

function changePassword(token: string, currentPassword: string) {
  return call(
    request("POST", "/v1/auth/password", {
      token,
      body: { currentPassword, newPassword: "an entirely new passphrase" },
    }),
  );
}

describe("the password-change notice", () => {
  it("when I change my password, then account.password_changed goes to the notifications queue", async () => {
    const account = await registerAccount(worker.default);

    expect((await changePassword(account.accessToken, account.password)).status).toBe(204);

    const [notice, ...more] = await receivedEvents(
      env.EVENT_SINK,
      QUEUE,
      (event) => event.type === "account.password_changed" && event.actorId === account.user.id,
    );
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ actorId: account.user.id, data: { userId: account.user.id } });
    expect(notice?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it("when the current password is wrong, then nothing is published", async () => {
    const account = await registerAccount(worker.default);

    expect((await changePassword(account.accessToken, "not the password")).status).toBe(403);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = await receivedEvents(
      env.EVENT_SINK,
      QUEUE,
      (event) => event.type === "account.password_changed" && event.actorId === account.user.id,
      { timeoutMs: 0 },
    );
    expect(events).toEqual([]);
  });
});

describe("AuthService.emailOf", () => {
  it("returns the account's email as registered, and null for an unknown user", async () => {
    const account = await registerAccount(worker.default);
    expect(await worker.AuthService.emailOf(account.user.id)).toBe(account.email);
    expect(await worker.AuthService.emailOf("usr_01JZZZZZZZZZZZZZZZZZZZZZZZ")).toBeNull();
  });

  it("refuses an argument that is not a user id", async () => {
    const error = await rpcError(() => worker.AuthService.emailOf("" as string));
    expect(error.message).toMatch(/invalid RPC argument/);
    const notString = await rpcError(() => worker.AuthService.emailOf(42 as unknown as string));
    expect(notString.message).toMatch(/invalid RPC argument/);
  });
});
