import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { receivedEvents } from "../../../lib/testing/events";
import { request } from "../../../lib/testing/http";
import { newAccount, worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);

describe("follow events", () => {
  it("publishes user.followed and user.unfollowed once per change, with the request's trace", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await call(
      request("PUT", `/v1/users/${ada.handle}/follow`, { token: bob.accessToken, headers: { traceparent } }),
    );
    await call(request("PUT", `/v1/users/${ada.handle}/follow`, { token: bob.accessToken }));
    await call(request("DELETE", `/v1/users/${ada.handle}/follow`, { token: bob.accessToken }));
    await call(request("DELETE", `/v1/users/${ada.handle}/follow`, { token: bob.accessToken }));

    const mine = (type: string) => (e: { type: string; actorId: string }) =>
      e.type === type && e.actorId === bob.user.id;
    const followed = await receivedEvents(env.EVENT_SINK, "plaza-feed-events", mine("user.followed"));
    const unfollowed = await receivedEvents(env.EVENT_SINK, "plaza-feed-events", mine("user.unfollowed"));
    expect(followed).toHaveLength(1);
    expect(unfollowed).toHaveLength(1);
    expect(followed[0]).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      data: { followerId: bob.user.id, followeeId: ada.user.id },
      traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/),
      occurredAt: expect.stringMatching(/^\d{4}-/),
    });
  });
});
