import type { Context } from "hono";
import type { OutboxDeps } from "../../../lib/events/outbox";
import type { EventContext } from "../../../lib/events/publish";
import { type PostsDb, postsDb } from "./db/client";

export interface PostsDeps {
  db: PostsDb;
  users: PostsEnv["USERS"];
  media: PostsEnv["MEDIA"];
  /** Where changes are stored with their events, and where those events go (lib/events/outbox.ts). */
  outbox: OutboxDeps;
  now: number;
}

/** The queues of every service that consumes the posts service's events. */
export function eventQueues(env: PostsEnv): Queue[] {
  return [env.FEED_EVENTS, env.NOTIFICATION_EVENTS];
}

/** The request's ExecutionContext lets event sends finish after the response. */
export function postsDeps(env: PostsEnv, ctx?: Pick<ExecutionContext, "waitUntil">): PostsDeps {
  return {
    db: postsDb(env.DB),
    users: env.USERS,
    media: env.MEDIA,
    outbox: {
      d1: env.DB,
      queues: eventQueues(env),
      ...(ctx && { waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) }),
    },
    now: Date.now(),
  };
}

/** Who acts and under which trace, for the events a request publishes. */
export function eventContext(c: Context): EventContext {
  return { actorId: c.get("principal").userId, traceparent: c.get("traceparent") };
}
