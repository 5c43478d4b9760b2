import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { receivedEvents } from "../../../lib/testing/events";
import { errorOf, request } from "../../../lib/testing/http";
import { openSocket } from "../../../lib/testing/sockets";
import { call, callRow, createCall, join, newAccount, ticketFor, tryJoin, worker } from "./worker";

describe("POST /v1/calls", () => {
  it("when a user starts a call, then it is a mesh call with an invite code and ICE servers for them", async () => {
    const host = await newAccount();
    const response = await call(
      request("POST", "/v1/calls", { token: host.accessToken, body: { title: "Stand-up" } }),
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown> & {
      id: string;
      iceServers: { urls: string[]; username?: string }[];
    };
    expect(body).toMatchObject({ title: "Stand-up", hostId: host.user.id, mode: "mesh", maxMembers: 3 });
    expect(body.id).toMatch(/^cal_[0-9A-Z]{26}$/);
    expect(body.inviteCode).toMatch(/^[0-9A-Z]{10}$/);
    expect(body.iceServers[0]).toEqual({ urls: ["stun:stun.cloudflare.com:3478"] });
    expect(body.iceServers[1]?.username).toMatch(new RegExp(`^\\d+:${host.user.id}$`));
    expect(await callRow(body.id)).toMatchObject({ status: "live", peak_members: 0, started_at: null });
  });

  it("starts an SFU call when asked (this deployment has an SFU)", async () => {
    const host = await newAccount();
    const created = await createCall(host, { mode: "sfu" });
    expect(created).toMatchObject({ mode: "sfu", maxMembers: 50 });
  });

  it.each([
    ["an unknown field", { title: "x", video: true }, "body.video"],
    ["an unknown mode", { mode: "p2p" }, "body.mode"],
    ["a title over 120 characters", { title: "x".repeat(121) }, "body.title"],
    ["a malformed handle", { inviteHandles: ["Not A Handle"] }, "body.inviteHandles.0"],
    [
      "more than 20 invitees",
      { inviteHandles: Array.from({ length: 21 }, (_, i) => `user_${i}`) },
      "body.inviteHandles",
    ],
  ])("refuses %s with 400 naming the field", async (_name, body, path) => {
    const host = await newAccount();
    const response = await call(request("POST", "/v1/calls", { token: host.accessToken, body }));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details?.map((d) => d.path)).toContain(path);
  });

  it("refuses an invitee handle nobody has, and makes no call", async () => {
    const host = await newAccount();
    const friend = await newAccount();
    const response = await call(
      request("POST", "/v1/calls", {
        token: host.accessToken,
        body: { inviteHandles: [friend.handle, "nobody_has_this"] },
      }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual([
      { path: "body.inviteHandles.1", message: "no such user" },
    ]);
    const { results } = await env.DB.prepare("SELECT id FROM calls WHERE host_id = ?")
      .bind(host.user.id)
      .all();
    expect(results).toEqual([]);
  });

  it("needs a signed-in caller", async () => {
    const response = await call(request("POST", "/v1/calls", { body: {} }));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
  });

  it("when the host invites people, then each gets a call.invited event and may join without the code", async () => {
    const [host, a, b] = [await newAccount(), await newAccount(), await newAccount()];
    const created = await createCall(host, { title: "Sync", inviteHandles: [a.handle, b.handle, a.handle] });
    const events = await receivedEvents(
      env.EVENT_SINK,
      "plaza-notification-events",
      (event) => event.type === "call.invited" && event.data.callId === created.id,
      { atLeast: 2 },
    );
    expect(events.map((e) => (e.type === "call.invited" ? e.data.inviteeId : "")).sort()).toEqual(
      [a.user.id, b.user.id].sort(),
    );
    expect(events[0]).toMatchObject({
      actorId: host.user.id,
      data: { title: "Sync", inviteCode: created.inviteCode },
    });
    expect((await ticketFor(a, created.id)).status).toBe(201);
    const detail = await call(request("GET", `/v1/calls/${created.id}`, { token: b.accessToken }));
    expect(detail.status).toBe(200);
  });
});

describe("GET /v1/calls/:id", () => {
  it("shows the call and its members, with media state, to the host; the code only to them", async () => {
    const [host, friend] = [await newAccount(), await newAccount()];
    const created = await createCall(host, { title: "Catch-up" });
    const socket = await join(host, created);
    socket.send({ type: "media", audio: true, video: true, screen: false });
    await socket.next("roster");

    const response = await call(request("GET", `/v1/calls/${created.id}`, { token: host.accessToken }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: created.id,
      title: "Catch-up",
      hostId: host.user.id,
      creatorId: host.user.id,
      status: "live",
      inviteCode: created.inviteCode,
      members: [{ userId: host.user.id, role: "host", media: { audio: true, video: true, screen: false } }],
    });

    const withCode = await call(
      request("GET", `/v1/calls/${created.id}?inviteCode=${created.inviteCode}`, {
        token: friend.accessToken,
      }),
    );
    expect(withCode.status).toBe(200);
    expect((await withCode.json()) as Record<string, unknown>).not.toHaveProperty("inviteCode");
    socket.close();
  });

  it("is 404 to someone without the code, with a wrong code, and for an unknown id", async () => {
    const [host, stranger] = [await newAccount(), await newAccount()];
    const created = await createCall(host);
    for (const path of [
      `/v1/calls/${created.id}`,
      `/v1/calls/${created.id}?inviteCode=AAAAAAAAAA`,
      "/v1/calls/cal_01J9Z3V6Q3K8T1M2N4P5R6S7T8",
    ]) {
      const response = await call(request("GET", path, { token: stranger.accessToken }));
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
    const malformed = await call(request("GET", "/v1/calls/not-a-call", { token: stranger.accessToken }));
    expect(malformed.status).toBe(400);
  });
});

describe("POST /v1/calls/:id/tickets and the upgrade", () => {
  it("gives a ticket to whoever brings the code, and 404 to whoever does not", async () => {
    const [host, friend, stranger] = [await newAccount(), await newAccount(), await newAccount()];
    const created = await createCall(host);
    expect((await ticketFor(stranger, created.id)).status).toBe(404);
    const response = await ticketFor(friend, created.id, created.inviteCode);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ ticket: expect.any(String), expiresIn: 30 });
  });

  it("refuses a missing, reused or unknown ticket with 401 and a request without plaza.v1 with 400", async () => {
    const host = await newAccount();
    const created = await createCall(host);
    const path = `/v1/calls/${created.id}/ws`;
    expect((await openSocket(worker.default, path, null)).response.status).toBe(401);
    expect((await openSocket(worker.default, path, "made-up")).response.status).toBe(401);
    const { ticket } = (await (await ticketFor(host, created.id)).json()) as { ticket: string };
    expect((await openSocket(worker.default, path, ticket, ["other.v2"])).response.status).toBe(400);
    // That attempt offered the wrong protocol, so the ticket is still unused.
    const first = await openSocket(worker.default, path, ticket);
    expect(first.response.status).toBe(101);
    expect(first.response.headers.get("sec-websocket-protocol")).toBe("plaza.v1");
    const again = await openSocket(worker.default, path, ticket);
    expect(again.response.status).toBe(401);
    expect((await errorOf(again.response)).code).toBe("unauthorized");
    first.socket?.close();
  });

  it("refuses a ticket for one call at another call's socket", async () => {
    const host = await newAccount();
    const [one, two] = [await createCall(host), await createCall(host)];
    const { ticket } = (await (await ticketFor(host, one.id)).json()) as { ticket: string };
    const response = (await openSocket(worker.default, `/v1/calls/${two.id}/ws`, ticket)).response;
    expect(response.status).toBe(401);
  });

  it("answers a plain GET of the socket path with 400", async () => {
    const host = await newAccount();
    const created = await createCall(host);
    const response = await call(request("GET", `/v1/calls/${created.id}/ws`));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("bad_request");
  });
});

describe("DELETE /v1/calls/:id", () => {
  it("when the host ends the call, then everyone gets ended, sockets close with 4000 and the row says so", async () => {
    const [host, friend] = [await newAccount(), await newAccount()];
    const created = await createCall(host);
    const a = await join(host, created);
    const b = await join(friend, created);
    const response = await call(request("DELETE", `/v1/calls/${created.id}`, { token: host.accessToken }));
    expect(response.status).toBe(204);
    expect(await b.next("ended")).toMatchObject({ reason: "host" });
    expect((await a.whenClosed()).code).toBe(4000);
    expect((await b.whenClosed()).code).toBe(4000);
    const row = await callRow(created.id);
    expect(row).toMatchObject({ status: "ended", end_reason: "host", peak_members: 2 });
    expect(row?.duration_ms).toBeGreaterThanOrEqual(0);

    expect((await ticketFor(friend, created.id, created.inviteCode)).status).toBe(404);
    const detail = await call(request("GET", `/v1/calls/${created.id}`, { token: host.accessToken }));
    expect(await detail.json()).toMatchObject({ status: "ended", endReason: "host", members: [] });
    const again = await call(request("DELETE", `/v1/calls/${created.id}`, { token: host.accessToken }));
    expect(again.status).toBe(404);
  });

  it("is 403 for a member who is not the host, 404 for a stranger, and the call goes on", async () => {
    const [host, friend, stranger] = [await newAccount(), await newAccount(), await newAccount()];
    const created = await createCall(host);
    const b = await join(friend, created);
    const byMember = await call(request("DELETE", `/v1/calls/${created.id}`, { token: friend.accessToken }));
    expect(byMember.status).toBe(403);
    const byStranger = await call(
      request("DELETE", `/v1/calls/${created.id}`, { token: stranger.accessToken }),
    );
    expect(byStranger.status).toBe(404);
    expect(await callRow(created.id)).toMatchObject({ status: "live" });
    b.send({ type: "ping", t: 1 });
    expect((await b.next("pong")).t).toBe(1);
    b.close();
    const back = await tryJoin(friend, created);
    expect(back.status).toBe(101);
    back.socket?.close();
  });
});
