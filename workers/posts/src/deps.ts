import type { Context } from "hono";
import type { DomainEvent } from "../../../lib/events/catalog";
import { type EventContext, publishEvents } from "../../../lib/events/publish";
import { type PostsDb, postsDb } from "./db/client";

export interface PostsDeps {
  db: PostsDb;
  users: PostsEnv["USERS"];
  media: PostsEnv["MEDIA"];
  publish(events: DomainEvent[]): Promise<void>;
  now: number;
}

/** The queues of every service that consumes the posts service's events. */
export function eventQueues(env: PostsEnv): Queue[] {
  return [env.FEED_EVENTS, env.NOTIFICATION_EVENTS];
}

export function postsDeps(env: PostsEnv): PostsDeps {
  return {
    db: postsDb(env.DB),
    users: env.USERS,
    media: env.MEDIA,
    publish: (events) => publishEvents(eventQueues(env), events),
    now: Date.now(),
  };
}

/** Who acts and under which trace, for the events a request publishes. */
export function eventContext(c: Context): EventContext {
  return { actorId: c.get("principal").userId, traceparent: c.get("traceparent") };
}
