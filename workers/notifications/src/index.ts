import { z } from "zod";
import { consumeEvents } from "../../../lib/events/consume";
import { LiveEvent, type PublishResult } from "../../../lib/events/live";
import { describeError, log } from "../../../lib/logging";
import { parseRpcArgument as parse, ServiceEntrypoint } from "../../../lib/service";
import { createNotificationsApp } from "./app";
import { notificationsDb } from "./db/client";
import { onlineAmong } from "./db/presence";
import { channelOf, notificationDeps } from "./deps";
import { handleNotificationEvent } from "./notify";
import { collectExpoReceipts } from "./receipts";
import { UserId } from "./schemas";

export { UserChannel } from "../../../durable-objects/user-channel/user-channel";

const app = createNotificationsApp();

/** User ids one broadcast call may name (all of its broadcasts together), and its broadcasts. */
const MAX_BROADCAST_USERS = 5000;
const MAX_BROADCASTS = 100;

/** Built once: a zod schema costs more to construct than to check a call's arguments. */
const BroadcastUsers = z.array(UserId).max(MAX_BROADCAST_USERS);

const Broadcasts = z
  .array(z.strictObject({ userIds: z.array(UserId), event: LiveEvent }))
  .max(MAX_BROADCASTS)
  .refine((all) => all.reduce((sum, { userIds }) => sum + userIds.length, 0) <= MAX_BROADCAST_USERS, {
    message: `at most ${MAX_BROADCAST_USERS} user ids in all`,
  });

/** Each broadcast's event to those of its users who are online; one presence query for all of them. */
async function broadcastToOnline(
  env: NotificationsEnv,
  broadcasts: { userIds: string[]; event: LiveEvent }[],
): Promise<{ online: number; delivered: number }> {
  const online = new Set(
    await onlineAmong(
      notificationsDb(env.DB),
      broadcasts.flatMap(({ userIds }) => userIds),
    ),
  );
  const eventsOf = new Map<string, LiveEvent[]>();
  for (const { userIds, event } of broadcasts) {
    for (const userId of new Set(userIds)) {
      if (!online.has(userId)) continue;
      const events = eventsOf.get(userId);
      if (events) events.push(event);
      else eventsOf.set(userId, [event]);
    }
  }
  const deps = notificationDeps(env);
  const results = await Promise.allSettled(
    [...eventsOf].map(async ([userId, events]) => {
      let delivered = 0;
      for (const event of events) delivered += (await channelOf(deps, userId).publish(event)).delivered;
      return delivered;
    }),
  );
  const delivered = results.reduce((sum, r) => sum + (r.status === "fulfilled" ? r.value : 0), 0);
  return { online: eventsOf.size, delivered };
}

/** Domain events from plaza-notification-events: each one validated, then notified (once). */
async function queue(batch: MessageBatch<unknown>, env: NotificationsEnv): Promise<void> {
  await consumeEvents(batch, {
    consumer: "notifications",
    deadLetters: env.DEAD_LETTERS,
    handle: (event) => handleNotificationEvent(notificationDeps(env), event),
  });
}

/** The cron trigger: Expo push receipts of messages sent long enough ago. */
async function scheduled(
  _controller: ScheduledController,
  env: NotificationsEnv,
  _ctx: ExecutionContext,
): Promise<void> {
  try {
    const result = await collectExpoReceipts(notificationDeps(env));
    if (result.checked > 0) log("info", "expo receipts collected", result);
  } catch (error) {
    // The tickets stay; the next run asks again.
    log("warn", "expo receipts not collected", describeError(error));
  }
}

/** The public HTTP entry (requests that do not come through the gateway check their own tokens). */
export default { fetch: app.fetch, queue, scheduled } satisfies ExportedHandler<NotificationsEnv>;

/** The gateway's entry, and RPC for other services. */
export class NotificationsService extends ServiceEntrypoint<NotificationsEnv> {
  protected readonly app = app;
  protected readonly serviceName = "notifications";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }

  /**
   * Pushes an event to every socket the user has open on their live channel, and says how many it
   * reached (0: offline; the caller keeps what must not be lost, this is the fast path).
   */
  async publish(userId: string, event: LiveEvent): Promise<PublishResult> {
    const user = parse(UserId, userId);
    const live = parse(LiveEvent, event);
    return channelOf(notificationDeps(this.env), user).publish(live);
  }

  /**
   * Pushes one event to each of these users who is online (the presence index), waking only their
   * channels: for broadcasts such as `feed.new` to an author's followers. Offline users are
   * skipped; nothing here must be kept for them.
   */
  async publishToOnline(userIds: string[], event: LiveEvent): Promise<{ online: number; delivered: number }> {
    const users = parse(BroadcastUsers, userIds);
    const live = parse(LiveEvent, event);
    return broadcastToOnline(this.env, [{ userIds: users, event: live }]);
  }

  /**
   * Several broadcasts at once (say the `feed.new` of every post in a queue batch): one presence
   * query for all of their users, then each online user's events in the order given. At most
   * MAX_BROADCASTS broadcasts and MAX_BROADCAST_USERS user ids in all.
   */
  async publishManyToOnline(
    broadcasts: { userIds: string[]; event: LiveEvent }[],
  ): Promise<{ online: number; delivered: number }> {
    return broadcastToOnline(this.env, parse(Broadcasts, broadcasts));
  }
}
