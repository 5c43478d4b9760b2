import type { Context } from "hono";
import { usersDb } from "./db/client";
import type { FollowDeps } from "./follows";

/** The queues of every service that consumes the users service's events. */
export function eventQueues(env: UsersEnv): Queue[] {
  return [env.FEED_EVENTS, env.NOTIFICATION_EVENTS];
}

export function followDeps(c: Context<{ Bindings: UsersEnv }>): FollowDeps {
  return {
    db: usersDb(c.env.DB),
    outbox: {
      d1: c.env.DB,
      queues: eventQueues(c.env),
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    },
    events: { actorId: c.get("principal").userId, traceparent: c.get("traceparent") },
    now: Date.now(),
  };
}
