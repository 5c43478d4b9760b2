import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { request } from "../../../lib/testing/http";
import { openSocket } from "../../../lib/testing/sockets";
import {
  call,
  callRow,
  callWith,
  createCall,
  guest,
  join,
  newAccount,
  type RosterFrame,
  roomStub,
  ticketFor,
  worker,
} from "./worker";

/** Moves the call's "empty since" (and its start) back in time, as if minutes had gone by. */
async function ageEmptyCall(callId: string, minutes: number) {
  const stub = roomStub(callId);
  await runInDurableObject(stub, (_instance, state) => {
    const shift = minutes * 60_000;
    state.storage.sql.exec(
      "UPDATE call SET empty_since = empty_since - ?, started_at = started_at - ?, created_at = created_at - ?",
      shift,
      shift,
      shift,
    );
  });
  // Drop the object's cached copy of the row: the next event reads it again.
  await evictDurableObject(stub);
}

describe("tickets", () => {
  it("refuses a ticket that expired before it was used, and it cannot be used afterwards either", async () => {
    const host = await newAccount();
    const created = await createCall(host);
    const { ticket } = (await (await ticketFor(host, created.id)).json()) as { ticket: string };
    await runInDurableObject(roomStub(created.id), (_instance, state) => {
      state.storage.sql.exec("UPDATE tickets SET expires_at = ?", Date.now() - 1);
    });
    const path = `/v1/calls/${created.id}/ws`;
    expect((await openSocket(worker.default, path, ticket)).response.status).toBe(401);
    const { ticket: fresh } = (await (await ticketFor(host, created.id)).json()) as { ticket: string };
    const joined = await openSocket(worker.default, path, fresh);
    expect(joined.response.status).toBe(101);
    joined.socket?.close();
  });
});

describe("eviction", () => {
  it("when the object is evicted, then its sockets stay open and it rebuilds the roster and relay", async () => {
    const party = await callWith(1);
    const b = guest(party);
    b.socket.send({ type: "hand", raised: true });
    await party.hostSocket.next<RosterFrame>("roster", 2000, (f) => f.members.some((m) => m.hand));

    await evictDurableObject(roomStub(party.created.id));

    b.socket.send({ type: "media", audio: true, video: true, screen: false });
    const roster = await party.hostSocket.next<RosterFrame>("roster", 3000, (f) =>
      f.members.some((m) => m.media.video),
    );
    expect(roster.members.find((m) => m.userId === b.account.user.id)).toMatchObject({
      hand: true,
      media: { audio: true, video: true, screen: false },
    });
    expect(roster.call.hostId).toBe(party.host.user.id);
    party.hostSocket.send({ type: "signal", to: b.account.user.id, data: { type: "offer", sdp: "v=0" } });
    expect(await b.socket.next("signal", 3000)).toMatchObject({ from: party.host.user.id });
    party.close();
  });
});

describe("departures", () => {
  it("when a member's socket closes, then the others get left", async () => {
    const party = await callWith(1);
    const b = guest(party);
    b.socket.close();
    expect(await party.hostSocket.next("left")).toMatchObject({ userId: b.account.user.id, reason: "left" });
    party.close();
  });

  it("when a socket shows no life past the timeout, then the alarm closes it with 4008 and tells the rest", async () => {
    const party = await callWith(1);
    const b = guest(party);
    await runInDurableObject(roomStub(party.created.id), (_instance, state) => {
      for (const ws of state.getWebSockets(b.account.user.id)) {
        const attachment = ws.deserializeAttachment() as { lastSeen: number };
        ws.serializeAttachment({ ...attachment, lastSeen: Date.now() - 5 * 60_000 });
      }
    });
    expect(await runDurableObjectAlarm(roomStub(party.created.id))).toBe(true);
    expect((await b.socket.whenClosed()).code).toBe(4008);
    expect(await party.hostSocket.next("left")).toMatchObject({
      userId: b.account.user.id,
      reason: "timed_out",
    });
    party.close();
  });

  it("keeps a socket whose only sign of life is the auto-answered ping", async () => {
    const party = await callWith(0);
    await runInDurableObject(roomStub(party.created.id), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        const attachment = ws.deserializeAttachment() as { lastSeen: number };
        ws.serializeAttachment({ ...attachment, lastSeen: Date.now() - 5 * 60_000 });
      }
    });
    party.hostSocket.send("ping");
    await party.hostSocket.next("text");
    await runDurableObjectAlarm(roomStub(party.created.id));
    party.hostSocket.send({ type: "ping", t: 9 });
    expect((await party.hostSocket.next<{ type: string; t: number }>("pong")).t).toBe(9);
    party.close();
  });
});

describe("a call ends itself when empty", () => {
  it("when everyone has left for longer than the grace period, then the call ends and the row has its duration and peak", async () => {
    const party = await callWith(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    party.close();
    // Wait until the room has seen every socket go (the alarm is then set for the grace period).
    const detail = async () =>
      (await (
        await call(request("GET", `/v1/calls/${party.created.id}`, { token: party.host.accessToken }))
      ).json()) as {
        members: unknown[];
        status: string;
      };
    for (let i = 0; i < 40 && (await detail()).members.length > 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    await ageEmptyCall(party.created.id, 3);

    expect(await runDurableObjectAlarm(roomStub(party.created.id))).toBe(true);

    const row = await callRow(party.created.id);
    expect(row).toMatchObject({ status: "ended", end_reason: "empty", peak_members: 3 });
    expect(row?.duration_ms).toBeGreaterThanOrEqual(50);
    expect(row?.duration_ms).toBeLessThan(60_000);
    expect((await detail()).status).toBe("ended");
  });

  it("when the call has been empty only a short while, then the alarm leaves it live", async () => {
    const host = await newAccount();
    const created = await createCall(host);
    const socket = await join(host, created);
    socket.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runDurableObjectAlarm(roomStub(created.id));
    expect(await callRow(created.id)).toMatchObject({ status: "live" });
    const again = await join(host, created);
    again.close();
  });

  it("a call nobody joined ends after the longer unstarted grace, with no duration", async () => {
    const host = await newAccount();
    const created = await createCall(host);
    await ageEmptyCall(created.id, 5);
    await runDurableObjectAlarm(roomStub(created.id));
    expect(await callRow(created.id)).toMatchObject({ status: "live" });
    await ageEmptyCall(created.id, 20);
    await runDurableObjectAlarm(roomStub(created.id));
    expect(await callRow(created.id)).toMatchObject({
      status: "ended",
      end_reason: "empty",
      duration_ms: 0,
      peak_members: 0,
      started_at: null,
    });
  });
});
