import { env } from "cloudflare:workers";
import type { DomainEvent, EventData, EventType } from "../../../lib/events/catalog";
import type { Notification } from "../../../lib/events/live";
import { domainEvent } from "../../../lib/events/publish";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import { request } from "../../../lib/testing/http";
import { deliverBatch } from "../../../lib/testing/queues";

export { eventually } from "../../../lib/testing/queues";

import { openSocket, type TestSocket } from "../../../lib/testing/sockets";
import notificationsWorker, { type NotificationsService } from "../src/index";

/** The notifications Worker under test: its public fetch and its RPC entrypoint. */
export const worker = workerExports<{
  default: Fetcher;
  NotificationsService: Service<NotificationsService>;
}>();
export const call = (req: Request) => worker.default.fetch(req);

export function newAccount(): Promise<TestAccount> {
  const auth: Fetches = env.AUTH_HTTP;
  return registerAccount(auth);
}

type Tuple<T, N extends number, R extends T[] = []> = R["length"] extends N ? R : Tuple<T, N, [...R, T]>;

/** Several accounts, registered one after another (as a tuple, to destructure). */
export async function newAccounts<N extends number>(count: N): Promise<Tuple<TestAccount, N>> {
  const accounts: TestAccount[] = [];
  for (let i = 0; i < count; i++) accounts.push(await newAccount());
  return accounts as Tuple<TestAccount, N>;
}

async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

/** A real post through the posts service (which publishes its events to this Worker's queue). */
export async function newPost(who: TestAccount, text = "hello"): Promise<{ id: string }> {
  const response = await env.POSTS_HTTP.fetch(
    request("POST", "/v1/posts", { token: who.accessToken, body: { text } }),
  );
  return (await (await expectStatus(response, 201, "post")).json()) as { id: string };
}

export async function like(who: TestAccount, postId: string): Promise<void> {
  const response = await env.POSTS_HTTP.fetch(
    request("PUT", `/v1/posts/${postId}/like`, { token: who.accessToken }),
  );
  await expectStatus(response, 204, "like");
}

export async function comment(who: TestAccount, postId: string, text: string): Promise<void> {
  const response = await env.POSTS_HTTP.fetch(
    request("POST", `/v1/posts/${postId}/comments`, { token: who.accessToken, body: { text } }),
  );
  await expectStatus(response, 201, "comment");
}

export async function share(who: TestAccount, postId: string): Promise<void> {
  const response = await env.POSTS_HTTP.fetch(
    request("POST", `/v1/posts/${postId}/shares`, { token: who.accessToken, body: {} }),
  );
  await expectStatus(response, 201, "share");
}

export async function follow(who: TestAccount, whom: TestAccount): Promise<void> {
  const response = await env.USERS_HTTP.fetch(
    request("PUT", `/v1/users/${whom.handle}/follow`, { token: who.accessToken }),
  );
  await expectStatus(response, 204, "follow");
}

export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
  unread: number;
}

export async function notificationsOf(who: TestAccount, query = ""): Promise<NotificationPage> {
  const response = await call(
    request("GET", `/v1/notifications${query ? `?${query}` : ""}`, { token: who.accessToken }),
  );
  return (await (await expectStatus(response, 200, "notifications")).json()) as NotificationPage;
}

/** Opens `who`'s live channel and waits for its welcome. */
export async function connect(who: TestAccount): Promise<TestSocket> {
  const ticket = await ticketFor(who);
  const { response, socket } = await openSocket(worker.default, "/v1/me/ws", ticket);
  if (!socket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  await socket.next("welcome");
  return socket;
}

export async function ticketFor(who: TestAccount): Promise<string> {
  const response = await call(request("POST", "/v1/me/tickets", { token: who.accessToken }));
  return ((await (await expectStatus(response, 201, "ticket")).json()) as { ticket: string }).ticket;
}

/** A user's live channel object. */
export function channel(userId: string) {
  return env.USER_CHANNELS.get(env.USER_CHANNELS.idFromName(userId));
}

/** A well-formed event, as a producer would publish it. */
export function event<T extends EventType>(type: T, data: EventData<T>, actorId: string): DomainEvent {
  return domainEvent(type, data, {
    actorId,
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  });
}

/**
 * Runs the queue handler on a batch of message bodies, as the queue would deliver them, and
 * returns what it acknowledged and retried. `runEnv` stands in for the Worker's env.
 */
export function deliver(bodies: unknown[], runEnv: NotificationsEnv = env) {
  return deliverBatch("plaza-notification-events", notificationsWorker.queue, bodies, runEnv);
}

export interface ProviderRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What the fake providers received whose URL or body contains `contains`. */
export async function providerRequests(contains: string): Promise<ProviderRequest[]> {
  const response = await fetch(`https://providers.test/requests?contains=${encodeURIComponent(contains)}`);
  return (await response.json()) as ProviderRequest[];
}

export function bodyText(recorded: ProviderRequest): string {
  return new TextDecoder().decode(Uint8Array.from(atob(recorded.body), (ch) => ch.charCodeAt(0)));
}

export function bodyBytes(recorded: ProviderRequest): Uint8Array {
  return Uint8Array.from(atob(recorded.body), (ch) => ch.charCodeAt(0));
}

/** PUT /v1/notifications/preferences as `who`. */
export async function setPreferences(who: TestAccount, body: unknown): Promise<Response> {
  return call(request("PUT", "/v1/notifications/preferences", { token: who.accessToken, body }));
}
