import { env } from "cloudflare:workers";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import { request } from "../../../lib/testing/http";
import { type Frame, openSocket, type TestSocket } from "../../../lib/testing/sockets";
import type { CallsService } from "../src/index";

/** The calls Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; CallsService: Service<CallsService> }>();
export const call = (req: Request) => worker.default.fetch(req);

/** A real account, registered through the real auth service (an auxiliary Worker here). */
export function newAccount(): Promise<TestAccount> {
  const auth: Fetches = env.AUTH_HTTP;
  return registerAccount(auth);
}

export interface CreatedCall {
  id: string;
  inviteCode: string;
  hostId: string;
  mode: "mesh" | "sfu";
  maxMembers: number;
  iceServers: { urls: string[]; username?: string; credential?: string }[];
}

export interface MemberFrame {
  userId: string;
  handle: string;
  role: "host" | "member";
  media: { audio: boolean; video: boolean; screen: boolean };
  hand: boolean;
  sfu: { sessionId: string; tracks: { trackName: string; mid: string }[] } | null;
}
export type RosterFrame = Frame & {
  call: { hostId: string; mode: string; maxMembers: number };
  members: MemberFrame[];
};
export type ErrorFrame = Frame & { code: string; message: string; for?: string };

export async function createCall(
  host: TestAccount,
  body: Record<string, unknown> = {},
): Promise<CreatedCall> {
  const response = await call(request("POST", "/v1/calls", { token: host.accessToken, body }));
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedCall;
}

export function ticketFor(who: TestAccount, callId: string, inviteCode?: string): Promise<Response> {
  return call(
    request("POST", `/v1/calls/${callId}/tickets`, {
      token: who.accessToken,
      body: inviteCode ? { inviteCode } : {},
    }),
  );
}

/** Connects with a fresh ticket, or returns the refused step's status. */
export async function tryJoin(
  who: TestAccount,
  created: CreatedCall,
  inviteCode: string | undefined = created.inviteCode,
) {
  const ticketResponse = await ticketFor(who, created.id, inviteCode);
  if (ticketResponse.status !== 201) return { status: ticketResponse.status, socket: null };
  const { ticket } = (await ticketResponse.json()) as { ticket: string };
  const { response, socket } = await openSocket(worker.default, `/v1/calls/${created.id}/ws`, ticket);
  return { status: response.status, socket };
}

/** Gets a ticket and connects (waiting for the first roster); fails the test if refused. */
export async function join(who: TestAccount, created: CreatedCall): Promise<TestSocket> {
  const { status, socket } = await tryJoin(who, created);
  if (!socket) throw new Error(`join refused: ${status}`);
  await socket.next("roster");
  return socket;
}

/** A call with its host and `guests` more members connected. */
export async function callWith(guests: number, body: Record<string, unknown> = {}) {
  const host = await newAccount();
  const created = await createCall(host, body);
  const hostSocket = await join(host, created);
  const others: { account: TestAccount; socket: TestSocket }[] = [];
  for (let i = 0; i < guests; i++) {
    const account = await newAccount();
    others.push({ account, socket: await join(account, created) });
  }
  const close = () => {
    hostSocket.close();
    for (const other of others) other.socket.close();
  };
  return { host, created, hostSocket, guests: others, close };
}

export function guest(party: { guests: { account: TestAccount; socket: TestSocket }[] }, index = 0) {
  const found = party.guests[index];
  if (!found) throw new Error(`no guest ${index}`);
  return found;
}

/** The CallRoom object of a call, for inspecting its storage or running its alarm. */
export function roomStub(callId: string) {
  return env.CALL_ROOMS.get(env.CALL_ROOMS.idFromName(callId));
}

/** The call's row in the calls index (D1). */
export async function callRow(callId: string) {
  return env.DB.prepare("SELECT * FROM calls WHERE id = ?").bind(callId).first<{
    status: string;
    end_reason: string | null;
    duration_ms: number | null;
    peak_members: number;
    started_at: number | null;
    ended_at: number | null;
  }>();
}
