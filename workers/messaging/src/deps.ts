import type { MessagingDeps } from "./conversations";
import { messagingDb } from "./db/client";

export function messagingDeps(env: MessagingEnv): MessagingDeps {
  return { db: messagingDb(env.DB), rooms: env.CHAT_ROOMS, users: env.USERS, now: Date.now() };
}
