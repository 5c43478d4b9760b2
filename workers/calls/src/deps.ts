import type { CallDeps } from "./calls";
import { callsConfig } from "./config";
import { callsDb } from "./db/client";

/** The queues of every service that consumes the calls service's events. */
export function eventQueues(env: CallsEnv): Queue[] {
  return [env.NOTIFICATION_EVENTS];
}

/** The request's ExecutionContext, when there is one, lets event sends finish after the response. */
export function callDeps(
  env: CallsEnv,
  traceparent: string,
  ctx?: Pick<ExecutionContext, "waitUntil">,
): CallDeps {
  return {
    db: callsDb(env.DB),
    rooms: env.CALL_ROOMS,
    users: env.USERS,
    outbox: {
      d1: env.DB,
      queues: eventQueues(env),
      ...(ctx && { waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) }),
    },
    config: callsConfig(env),
    traceparent,
    now: Date.now(),
  };
}
