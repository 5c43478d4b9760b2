import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TestAccount } from "../../../lib/testing/accounts";
import { errorOf, request } from "../../../lib/testing/http";
import { type Frame, openSocket, type TestSocket } from "../../../lib/testing/sockets";
import {
  type CreatedSession,
  call,
  createSession,
  join,
  newAccount,
  ticketFor,
  tryJoin,
  worker,
} from "./worker";

type PresenceFrame = Frame & { participants: { userId: string }[] };

// The sessions tests run with WATCH_MAX_PARTICIPANTS at 5 (vitest.config.ts; 1000 by default).
const CAP = Number(env.WATCH_MAX_PARTICIPANTS);

interface FullRoom {
  session: CreatedSession;
  accounts: TestAccount[];
  sockets: TestSocket[];
  /** The host's presence frame that listed all of them. */
  full: PresenceFrame;
}

/** A session with CAP participants in it (the host first), once the host has heard of them all. */
async function fullRoom(): Promise<FullRoom> {
  const accounts = await Promise.all(Array.from({ length: CAP }, () => newAccount()));
  const [host] = accounts as [TestAccount];
  const session = await createSession(host);
  const sockets: TestSocket[] = [];
  for (const account of accounts) sockets.push(await join(account, session));
  const hostSocket = sockets[0] as TestSocket;
  const full = await hostSocket.next<PresenceFrame>("presence", 3000, (f) => f.participants.length === CAP);
  return { session, accounts, sockets, full };
}

async function participantCount(host: TestAccount, sessionId: string): Promise<number> {
  const response = await call(request("GET", `/v1/sessions/${sessionId}`, { token: host.accessToken }));
  return ((await response.json()) as { participantCount: number }).participantCount;
}

async function ticketOf(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  return ((await response.json()) as { ticket: string }).ticket;
}

const closeAll = (sockets: (TestSocket | null)[]) => {
  for (const socket of sockets) socket?.close();
};

describe("participant cap", () => {
  it("when the session is full, then the next user is refused with 403, at the ticket or at the upgrade", async () => {
    const accounts = await Promise.all(Array.from({ length: CAP + 2 }, () => newAccount()));
    const [host, ...guests] = accounts as [TestAccount, ...TestAccount[]];
    const inside = guests.slice(0, CAP - 1);
    const [early, late] = guests.slice(CAP - 1) as [TestAccount, TestAccount];
    const session = await createSession(host);
    const sockets = [await join(host, session)];
    for (const guest of inside.slice(0, -1)) sockets.push(await join(guest, session));
    // A ticket taken while there is still room is checked again at the upgrade.
    const earlyTicket = await ticketOf(await ticketFor(early, session.id, session.inviteCode));
    sockets.push(await join(inside.at(-1) as TestAccount, session));

    const refused = await ticketFor(late, session.id, session.inviteCode);
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({
      code: "forbidden",
      message: `the session is full (${CAP} participants)`,
    });
    const upgrade = await openSocket(worker.default, `/v1/sessions/${session.id}/ws`, earlyTicket);
    expect(upgrade.socket).toBeNull();
    expect(upgrade.response.status).toBe(403);
    expect((await errorOf(upgrade.response)).message).toBe(`the session is full (${CAP} participants)`);

    expect(await participantCount(host, session.id)).toBe(CAP);
    closeAll(sockets);
  });

  it("when a participant already inside reconnects at the cap, then they are admitted and count once", async () => {
    const { session, accounts, sockets } = await fullRoom();
    const [host, returning] = accounts as [TestAccount, TestAccount];
    const again = await tryJoin(returning, session);
    expect(again.status).toBe(101);
    await again.socket?.next("welcome");
    expect(await participantCount(host, session.id)).toBe(CAP);

    // More sockets than the cap now, but still CAP people: a newcomer is still refused.
    const newcomer = await newAccount();
    expect((await ticketFor(newcomer, session.id, session.inviteCode)).status).toBe(403);
    closeAll([...sockets, again.socket]);
  });

  it("when someone leaves a full session, then a new user is admitted", async () => {
    const { session, accounts, sockets, full } = await fullRoom();
    const [host] = accounts as [TestAccount];
    const newcomer = await newAccount();
    expect((await tryJoin(newcomer, session)).status).toBe(403);

    sockets.at(-1)?.close();
    // The room has seen the departure once the host hears of it (a presence frame after the full one).
    await sockets[0]?.next<PresenceFrame>(
      "presence",
      3000,
      (f) => Number(f.seq) > Number(full.seq) && f.participants.length === CAP - 1,
    );
    const admitted = await tryJoin(newcomer, session);
    expect(admitted.status).toBe(101);
    await admitted.socket?.next("welcome");
    expect(await participantCount(host, session.id)).toBe(CAP);
    closeAll([...sockets, admitted.socket]);
  });
});
