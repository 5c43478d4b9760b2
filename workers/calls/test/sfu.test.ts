import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../../lib/testing/accounts";
import { errorOf, request } from "../../../lib/testing/http";
import type { TestSocket } from "../../../lib/testing/sockets";
import { call, callWith, guest, type RosterFrame } from "./worker";

const OFFER = { type: "offer", sdp: "v=0 my offer" };

function sfuRequest(who: TestAccount, method: string, path: string, body: unknown) {
  return call(request(method, path, { token: who.accessToken, body }));
}

async function openSession(who: TestAccount, callId: string): Promise<string> {
  const response = await sfuRequest(who, "POST", `/v1/calls/${callId}/sfu/sessions`, {
    sessionDescription: OFFER,
  });
  if (response.status !== 201)
    throw new Error(`session refused: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { sessionId: string }).sessionId;
}

const rosterWhere = (socket: TestSocket, test: (roster: RosterFrame) => boolean) =>
  socket.next<RosterFrame>("roster", 2000, test);

describe("SFU sessions", () => {
  it("when a member opens a session, then the SFU answers their offer and the roster shows the session", async () => {
    const party = await callWith(1, { mode: "sfu" });
    const response = await sfuRequest(party.host, "POST", `/v1/calls/${party.created.id}/sfu/sessions`, {
      sessionDescription: OFFER,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { sessionId: string; sessionDescription: { type: string } };
    expect(body.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.sessionDescription.type).toBe("answer");
    const roster = await rosterWhere(guest(party).socket, (f) => f.members.some((m) => m.sfu));
    expect(roster.members.find((m) => m.userId === party.host.user.id)?.sfu).toEqual({
      sessionId: body.sessionId,
      tracks: [],
    });
    party.close();
  });

  it("refuses someone who has not joined (403), a mesh call (409) and a bad SDP (400, the SFU's reason)", async () => {
    const sfuParty = await callWith(0, { mode: "sfu" });
    const outsider = await sfuRequest(
      guestless(),
      "POST",
      `/v1/calls/${sfuParty.created.id}/sfu/sessions`,
      {},
    );
    expect(outsider.status).toBe(401);
    sfuParty.hostSocket.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const notJoined = await sfuRequest(
      sfuParty.host,
      "POST",
      `/v1/calls/${sfuParty.created.id}/sfu/sessions`,
      {},
    );
    expect(notJoined.status).toBe(403);

    const mesh = await callWith(0);
    const meshResponse = await sfuRequest(mesh.host, "POST", `/v1/calls/${mesh.created.id}/sfu/sessions`, {});
    expect(meshResponse.status).toBe(409);

    const again = await callWith(0, { mode: "sfu" });
    const bad = await sfuRequest(again.host, "POST", `/v1/calls/${again.created.id}/sfu/sessions`, {
      sessionDescription: { type: "offer", sdp: "invalid" },
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/cannot parse the SDP/);
    mesh.close();
    again.close();
  });
});

describe("SFU tracks", () => {
  it("publishing tracks shows them to everyone; another member pulls them; closing removes them", async () => {
    const party = await callWith(1, { mode: "sfu" });
    const b = guest(party);
    const callId = party.created.id;
    const hostSession = await openSession(party.host, callId);
    const published = await sfuRequest(
      party.host,
      "POST",
      `/v1/calls/${callId}/sfu/sessions/${hostSession}/tracks`,
      {
        sessionDescription: OFFER,
        tracks: [
          { location: "local", mid: "0", trackName: "camera" },
          { location: "local", mid: "1", trackName: "mic" },
        ],
      },
    );
    expect(published.status).toBe(200);
    const roster = await rosterWhere(b.socket, (f) =>
      f.members.some((m) => (m.sfu?.tracks.length ?? 0) === 2),
    );
    expect(roster.members.find((m) => m.userId === party.host.user.id)?.sfu).toEqual({
      sessionId: hostSession,
      tracks: [
        { trackName: "camera", mid: "0" },
        { trackName: "mic", mid: "1" },
      ],
    });

    const bSession = await openSession(b.account, callId);
    const pulled = await sfuRequest(
      b.account,
      "POST",
      `/v1/calls/${callId}/sfu/sessions/${bSession}/tracks`,
      {
        tracks: [{ location: "remote", sessionId: hostSession, trackName: "camera" }],
      },
    );
    expect(pulled.status).toBe(200);
    expect(await pulled.json()).toMatchObject({
      requiresImmediateRenegotiation: true,
      tracks: [{ trackName: "camera", sessionId: hostSession }],
    });
    const renegotiated = await sfuRequest(
      b.account,
      "PUT",
      `/v1/calls/${callId}/sfu/sessions/${bSession}/renegotiate`,
      {
        sessionDescription: { type: "answer", sdp: "v=0 my answer" },
      },
    );
    expect(renegotiated.status).toBe(200);

    const closed = await sfuRequest(
      party.host,
      "PUT",
      `/v1/calls/${callId}/sfu/sessions/${hostSession}/tracks/close`,
      {
        tracks: [{ mid: "1" }],
        force: true,
      },
    );
    expect(closed.status).toBe(200);
    const after = await rosterWhere(b.socket, (f) => f.members.some((m) => m.sfu?.tracks.length === 1));
    expect(after.members.find((m) => m.userId === party.host.user.id)?.sfu?.tracks).toEqual([
      { trackName: "camera", mid: "0" },
    ]);
    party.close();
  });

  it("refuses pulling a track nobody publishes here, and acting on another member's session", async () => {
    const party = await callWith(1, { mode: "sfu" });
    const b = guest(party);
    const callId = party.created.id;
    const hostSession = await openSession(party.host, callId);
    const bSession = await openSession(b.account, callId);
    const unknownTrack = await sfuRequest(
      b.account,
      "POST",
      `/v1/calls/${callId}/sfu/sessions/${bSession}/tracks`,
      {
        tracks: [{ location: "remote", sessionId: hostSession, trackName: "camera" }],
      },
    );
    expect(unknownTrack.status).toBe(404);
    const foreign = await sfuRequest(
      b.account,
      "POST",
      `/v1/calls/${callId}/sfu/sessions/${hostSession}/tracks`,
      {
        tracks: [{ location: "local", mid: "0", trackName: "camera" }],
      },
    );
    expect(foreign.status).toBe(404);
    const malformed = await sfuRequest(
      b.account,
      "POST",
      `/v1/calls/${callId}/sfu/sessions/${bSession}/tracks`,
      {
        tracks: [{ location: "local", trackName: "camera" }],
      },
    );
    expect(malformed.status).toBe(400);
    party.close();
  });

  it("when a publisher leaves, then their tracks leave the roster and can no longer be pulled", async () => {
    const party = await callWith(1, { mode: "sfu" });
    const b = guest(party);
    const callId = party.created.id;
    const bSession = await openSession(b.account, callId);
    await sfuRequest(b.account, "POST", `/v1/calls/${callId}/sfu/sessions/${bSession}/tracks`, {
      tracks: [{ location: "local", mid: "0", trackName: "camera" }],
    });
    b.socket.close();
    await party.hostSocket.next("left");
    const hostSession = await openSession(party.host, callId);
    const pull = await sfuRequest(
      party.host,
      "POST",
      `/v1/calls/${callId}/sfu/sessions/${hostSession}/tracks`,
      {
        tracks: [{ location: "remote", sessionId: bSession, trackName: "camera" }],
      },
    );
    expect(pull.status).toBe(404);
    party.close();
  });
});

/** An account that was never registered: its requests carry no valid token. */
function guestless(): TestAccount {
  return {
    email: "",
    password: "",
    handle: "",
    user: { id: "", handle: "", displayName: "" },
    accessToken: "not-a-token",
    refreshToken: "",
    expiresIn: 0,
  };
}
