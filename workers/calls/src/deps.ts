import type { CallDeps } from "./calls";
import { callsConfig } from "./config";
import { callsDb } from "./db/client";

export function callDeps(env: CallsEnv, traceparent: string): CallDeps {
  return {
    db: callsDb(env.DB),
    rooms: env.CALL_ROOMS,
    users: env.USERS,
    events: env.NOTIFICATION_EVENTS,
    config: callsConfig(env),
    traceparent,
    now: Date.now(),
  };
}
