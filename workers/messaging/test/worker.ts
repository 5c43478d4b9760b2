import { env } from "cloudflare:workers";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import { request } from "../../../lib/testing/http";
import { type Frame, openSocket, type TestSocket } from "../../../lib/testing/sockets";
import type { MessagingService } from "../src/index";

/** The messaging Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{ default: Fetcher; MessagingService: Service<MessagingService> }>();
export const call = (req: Request) => worker.default.fetch(req);

/** A real account, registered through the real auth service (an auxiliary Worker here). */
export function newAccount(): Promise<TestAccount> {
  const auth: Fetches = env.AUTH_HTTP;
  return registerAccount(auth);
}

export interface Member {
  userId: string;
  handle: string;
  readSeq: number;
}

export interface Conversation {
  id: string;
  kind: "direct" | "group";
  title: string | null;
  creatorId: string;
  memberCount: number;
  createdAt: string;
  lastMessage: { id: string; senderId: string; preview: string; createdAt: number; seq: number } | null;
  unread: number;
  members: Member[];
  seq: number;
}

export async function createConversation(
  creator: TestAccount,
  others: TestAccount[],
  title?: string,
): Promise<Conversation> {
  const response = await call(
    request("POST", "/v1/conversations", {
      token: creator.accessToken,
      body: { memberHandles: others.map((o) => o.handle), ...(title && { title }) },
    }),
  );
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Conversation;
}

export function ticketFor(who: TestAccount, conversationId: string): Promise<Response> {
  return call(request("POST", `/v1/conversations/${conversationId}/tickets`, { token: who.accessToken }));
}

export interface Welcome extends Frame {
  you: { userId: string; readSeq: number };
  members: Member[];
  seq: number;
}

/** Gets a ticket and connects; fails the test if either step is refused. */
export async function connect(
  who: TestAccount,
  conversationId: string,
): Promise<{ socket: TestSocket; welcome: Welcome }> {
  const ticketResponse = await ticketFor(who, conversationId);
  if (ticketResponse.status !== 201)
    throw new Error(`ticket refused: ${ticketResponse.status} ${await ticketResponse.text()}`);
  const { ticket } = (await ticketResponse.json()) as { ticket: string };
  const { response, socket } = await openSocket(
    worker.default,
    `/v1/conversations/${conversationId}/ws`,
    ticket,
  );
  if (!socket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return { socket, welcome: await socket.next<Welcome>("welcome") };
}

export interface Ack extends Frame {
  nonce: string;
  id: string;
  seq: number;
}

export interface MessageFrame extends Frame {
  message: {
    id: string;
    senderId: string;
    text: string;
    createdAt: number;
    seq: number;
    editedAt?: number;
    deleted?: true;
  };
  seq: number;
}

/** Sends a message and waits for its ack. */
export async function say(socket: TestSocket, text: string, nonce = crypto.randomUUID()): Promise<Ack> {
  socket.send({ type: "send", text, nonce });
  return socket.next<Ack>("ack", 2000, (f) => f.nonce === nonce);
}

/** The ChatRoom object of a conversation, for inspecting its storage or running its alarm. */
export function roomStub(conversationId: string) {
  return env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName(conversationId));
}

export function get(path: string, who: TestAccount): Promise<Response> {
  return call(request("GET", path, { token: who.accessToken }));
}

/** My conversations (first page). */
export async function myConversations(
  who: TestAccount,
  query = "",
): Promise<{ items: Conversation[]; nextCursor: string | null }> {
  const response = await get(`/v1/conversations${query}`, who);
  if (response.status !== 200) throw new Error(`list failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { items: Conversation[]; nextCursor: string | null };
}
