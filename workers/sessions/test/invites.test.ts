import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventOf } from "../../../lib/events/catalog";
import type { TestAccount } from "../../../lib/testing/accounts";
import { receivedEvents } from "../../../lib/testing/events";
import { errorOf, request } from "../../../lib/testing/http";
import { call, createSession, join, newAccount, roomStub } from "./worker";

const QUEUE = "plaza-notification-events";

function invite(who: TestAccount, sessionId: string, handles: unknown) {
  return call(
    request("POST", `/v1/sessions/${sessionId}/invites`, { token: who.accessToken, body: { handles } }),
  );
}

async function invitesFor(sessionId: string, count: number) {
  const events = await receivedEvents(
    env.EVENT_SINK,
    QUEUE,
    (event) => event.type === "session.invited" && event.data.sessionId === sessionId,
    { atLeast: count },
  );
  return events as EventOf<"session.invited">[];
}

describe("POST /v1/sessions/:id/invites", () => {
  it("when the host invites by handle, then each invitee gets a session.invited event with the invite code", async () => {
    const [host, ada, bob] = [await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);

    const response = await invite(host, session.id, [
      `@${ada.handle}`,
      bob.handle.toUpperCase(),
      "nobody_here_x",
      host.handle,
    ]);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      invited: [
        { id: ada.user.id, handle: ada.handle },
        { id: bob.user.id, handle: bob.handle },
      ],
      unknown: ["nobody_here_x"],
    });
    const events = await invitesFor(session.id, 2);
    expect(events.map((e) => e.data.inviteeId).sort()).toEqual([ada.user.id, bob.user.id].sort());
    for (const e of events) {
      expect(e.actorId).toBe(host.user.id);
      expect(e.data).toMatchObject({ title: "Film night", inviteCode: session.inviteCode });
    }
  });

  it("when a member who joined invites, then it is allowed", async () => {
    const [host, member, friend] = [await newAccount(), await newAccount(), await newAccount()];
    const session = await createSession(host);
    const socket = await join(member, session);
    await runDurableObjectAlarm(roomStub(session.id));

    const response = await invite(member, session.id, [friend.handle]);

    expect(response.status).toBe(200);
    const [sent] = await invitesFor(session.id, 1);
    expect(sent?.actorId).toBe(member.user.id);
    socket.close();
  });

  it("when someone who is not host or member invites, then 403 (public) or 404 (private), and nothing is sent", async () => {
    const [host, stranger, friend] = [await newAccount(), await newAccount(), await newAccount()];
    const open = await createSession(host, { visibility: "public" });
    const closed = await createSession(host);

    const onPublic = await invite(stranger, open.id, [friend.handle]);
    const onPrivate = await invite(stranger, closed.id, [friend.handle]);

    expect(onPublic.status).toBe(403);
    expect((await errorOf(onPublic)).code).toBe("forbidden");
    expect(onPrivate.status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      await receivedEvents(
        env.EVENT_SINK,
        QUEUE,
        (e) => e.type === "session.invited" && e.actorId === stranger.user.id,
        { timeoutMs: 0 },
      ),
    ).toEqual([]);
  });

  it("when the session has ended, then 404", async () => {
    const [host, friend] = [await newAccount(), await newAccount()];
    const session = await createSession(host);
    await call(request("DELETE", `/v1/sessions/${session.id}`, { token: host.accessToken }));
    expect((await invite(host, session.id, [friend.handle])).status).toBe(404);
  });

  it.each([
    ["no handles", []],
    ["too many handles", Array.from({ length: 21 }, (_, i) => `user_${i}x`)],
    ["a malformed handle", ["not a handle!"]],
    ["not a list", "ada"],
  ])("refuses %s with 400", async (_what, handles) => {
    const host = await newAccount();
    const session = await createSession(host);
    const response = await invite(host, session.id, handles);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("validation_failed");
  });

  it("needs a signed-in caller", async () => {
    const host = await newAccount();
    const session = await createSession(host);
    const response = await call(
      request("POST", `/v1/sessions/${session.id}/invites`, { body: { handles: ["ada_l"] } }),
    );
    expect(response.status).toBe(401);
  });
});
