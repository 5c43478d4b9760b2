import type { UserChannel } from "../../../durable-objects/user-channel/user-channel";
import { idOf } from "../../../lib/durable-ids";
import { type NotificationsDb, notificationsDb } from "./db/client";
import { type Providers, providersOf } from "./providers";

/** What the notifications domain code works with, made from the bindings. */
export interface NotificationDeps {
  db: NotificationsDb;
  d1: D1Database;
  users: NotificationsEnv["USERS"];
  auth: NotificationsEnv["AUTH"];
  channels: DurableObjectNamespace<UserChannel>;
  providers: Providers;
  /** How long after a message arrives offline its email/SMS digest goes out. */
  digestDelayMs: number;
  now: number;
}

export function notificationDeps(env: NotificationsEnv, now = Date.now()): NotificationDeps {
  return {
    db: notificationsDb(env.DB),
    d1: env.DB,
    users: env.USERS,
    auth: env.AUTH,
    channels: env.USER_CHANNELS,
    providers: providersOf(env),
    digestDelayMs: Number(env.DIGEST_DELAY_SECONDS) * 1000,
    now,
  };
}

/** A user's live channel. */
export function channelOf(deps: Pick<NotificationDeps, "channels">, userId: string) {
  return deps.channels.get(idOf(deps.channels, userId));
}
