import { sessionsDb } from "./db/client";
import type { InviteDeps } from "./invites";
import type { SessionDeps } from "./sessions";

export function sessionDeps(env: SessionsEnv): SessionDeps {
  return { db: sessionsDb(env.DB), rooms: env.WATCH_SESSIONS, users: env.USERS, now: Date.now() };
}

/** The queues of every service that consumes the sessions service's events. */
export function eventQueues(env: SessionsEnv): Queue[] {
  return [env.NOTIFICATION_EVENTS];
}

/** The request's ExecutionContext lets the invitations' send finish after the response. */
export function inviteDeps(env: SessionsEnv, ctx: Pick<ExecutionContext, "waitUntil">): InviteDeps {
  return {
    ...sessionDeps(env),
    outbox: {
      d1: env.DB,
      queues: eventQueues(env),
      waitUntil: (promise) => ctx.waitUntil(promise),
    },
  };
}
