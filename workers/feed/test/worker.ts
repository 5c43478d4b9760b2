import { env } from "cloudflare:workers";
import type { DomainEvent, EventData, EventType } from "../../../lib/events/catalog";
import { domainEvent } from "../../../lib/events/publish";
import { type Fetches, registerAccount, type TestAccount } from "../../../lib/testing/accounts";
import { workerExports } from "../../../lib/testing/exports";
import { request } from "../../../lib/testing/http";
import { deliverBatch } from "../../../lib/testing/queues";

export { eventually } from "../../../lib/testing/queues";

import type { Post } from "../../posts/src/schemas";
import feedWorker, { type FeedService } from "../src/index";

/** The feed Worker under test: its public fetch and its gateway entrypoint. */
export const worker = workerExports<{ default: Fetcher; FeedService: Service<FeedService> }>();
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

/** `who` follows `whom` through the real users service (which publishes user.followed). */
export async function follow(who: TestAccount, whom: TestAccount): Promise<void> {
  const req = request("PUT", `/v1/users/${whom.handle}/follow`, { token: who.accessToken });
  await expectStatus(await env.USERS_HTTP.fetch(req), 204, "follow");
}

export async function unfollow(who: TestAccount, whom: TestAccount): Promise<void> {
  const req = request("DELETE", `/v1/users/${whom.handle}/follow`, { token: who.accessToken });
  await expectStatus(await env.USERS_HTTP.fetch(req), 204, "unfollow");
}

async function posts(method: string, path: string, who: TestAccount, body?: unknown, status = 201) {
  const response = await env.POSTS_HTTP.fetch(request(method, path, { token: who.accessToken, body }));
  return expectStatus(response, status, `${method} ${path}`);
}

/** A real post through the posts service (which publishes post.created to the feed's queue). */
export async function newPost(who: TestAccount, text = "hello feed"): Promise<Post> {
  return (await (await posts("POST", "/v1/posts", who, { text })).json()) as Post;
}

export async function sharePost(who: TestAccount, postId: string): Promise<Post> {
  return (await (await posts("POST", `/v1/posts/${postId}/shares`, who, {})).json()) as Post;
}

export async function deletePost(who: TestAccount, postId: string): Promise<void> {
  await posts("DELETE", `/v1/posts/${postId}`, who, undefined, 204);
}

export async function like(who: TestAccount, postId: string): Promise<void> {
  await posts("PUT", `/v1/posts/${postId}/like`, who, undefined, 204);
}

export async function comment(who: TestAccount, postId: string, text = "nice"): Promise<void> {
  await posts("POST", `/v1/posts/${postId}/comments`, who, { text });
}

export interface FeedBody {
  items: Post[];
  nextCursor: string | null;
}

/** GET /v1/feed as `who`; `query` is the query string without "?". */
export async function readFeed(who: TestAccount, query = ""): Promise<FeedBody> {
  const response = await call(
    request("GET", `/v1/feed${query ? `?${query}` : ""}`, { token: who.accessToken }),
  );
  return (await (await expectStatus(response, 200, "feed")).json()) as FeedBody;
}

export async function feedIds(who: TestAccount, query = ""): Promise<string[]> {
  return (await readFeed(who, query)).items.map((post) => post.id);
}

/** A user's Timeline Durable Object, to look at its state. */
export function timeline(userId: string) {
  return env.TIMELINES.get(env.TIMELINES.idFromName(userId));
}

/** The post ids on a user's timeline (its stored entries, not what a read merges in). */
export async function storedPostIds(userId: string): Promise<string[]> {
  const state = await timeline(userId).readState({ limit: 1000, before: null });
  return state.entries.map((entry) => entry.postId);
}

/** A well-formed event, as a producer would publish it. */
export function event<T extends EventType>(type: T, data: EventData<T>, actorId: string): DomainEvent {
  return domainEvent(type, data, {
    actorId,
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  });
}

/**
 * Runs the feed's queue handler on a batch of message bodies, as the queue would deliver them,
 * and returns what it acknowledged and retried. `runEnv` stands in for the Worker's env.
 */
export function deliver(bodies: unknown[], runEnv: FeedEnv = env) {
  return deliverBatch("plaza-feed-events", feedWorker.queue, bodies, runEnv);
}
