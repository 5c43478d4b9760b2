import { env } from "cloudflare:workers";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import { request } from "../../../lib/testing/http";
import { openSocket, type TestSocket } from "../../../lib/testing/sockets";
import type { SessionsService } from "../src/index";

/** The sessions Worker under test: its public fetch and its gateway entrypoint. */
export const worker = workerExports<{ default: Fetcher; SessionsService: Service<SessionsService> }>();
export const call = (req: Request) => worker.default.fetch(req);

/** A real account, registered through the real auth service (an auxiliary Worker here). */
export function newAccount(): Promise<TestAccount> {
  const auth: Fetches = env.AUTH_HTTP;
  return registerAccount(auth);
}

export interface CreatedSession {
  id: string;
  inviteCode: string;
  hostId: string;
  visibility: string;
}

export async function createSession(
  host: TestAccount,
  body: Record<string, unknown> = {},
): Promise<CreatedSession> {
  const response = await call(
    request("POST", "/v1/sessions", {
      token: host.accessToken,
      body: { title: "Film night", mediaUrl: "https://media.example.com/film.mp4", ...body },
    }),
  );
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedSession;
}

export async function ticketFor(who: TestAccount, sessionId: string, inviteCode?: string): Promise<Response> {
  return call(
    request("POST", `/v1/sessions/${sessionId}/tickets`, {
      token: who.accessToken,
      body: inviteCode ? { inviteCode } : {},
    }),
  );
}

/** Gets a ticket and connects; fails the test if either step is refused. */
export async function join(who: TestAccount, session: CreatedSession): Promise<TestSocket> {
  const ticketResponse = await ticketFor(who, session.id, session.inviteCode);
  if (ticketResponse.status !== 201)
    throw new Error(`ticket refused: ${ticketResponse.status} ${await ticketResponse.text()}`);
  const { ticket } = (await ticketResponse.json()) as { ticket: string };
  const { response, socket } = await openSocket(worker.default, `/v1/sessions/${session.id}/ws`, ticket);
  if (!socket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  await socket.next("welcome");
  return socket;
}

/** The WatchSession object of a session, for inspecting its storage or running its alarm. */
export function roomStub(sessionId: string) {
  return env.WATCH_SESSIONS.get(env.WATCH_SESSIONS.idFromName(sessionId));
}

/** Connects with a fresh ticket, or returns the refused upgrade. */
export async function tryJoin(who: TestAccount, session: CreatedSession) {
  const ticketResponse = await ticketFor(who, session.id, session.inviteCode);
  if (ticketResponse.status !== 201) return { status: ticketResponse.status, socket: null };
  const { ticket } = (await ticketResponse.json()) as { ticket: string };
  const { response, socket } = await openSocket(worker.default, `/v1/sessions/${session.id}/ws`, ticket);
  return { status: response.status, socket };
}
