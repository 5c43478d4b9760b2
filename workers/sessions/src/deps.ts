import { sessionsDb } from "./db/client";
import type { SessionDeps } from "./sessions";

export function sessionDeps(env: SessionsEnv): SessionDeps {
  return { db: sessionsDb(env.DB), rooms: env.WATCH_SESSIONS, users: env.USERS, now: Date.now() };
}
