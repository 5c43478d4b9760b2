import { log } from "../../../lib/logging";
import { EXPO_BATCH, ExpoUnavailable, isDeviceGone, sendExpoBatch } from "./channels/expo";
import { type PushPayload, sendWebPush } from "./channels/web-push";
import { claimDelivery, DeliveryError, deliverOnce, settleDelivery } from "./db/deliveries";
import {
  deleteExpoTokens,
  deleteSubscription,
  expoTokensOf,
  saveExpoTickets,
  subscriptionsOf,
} from "./db/targets";
import type { NotificationDeps } from "./deps";
import { channelOff } from "./providers";

/**
 * Sends one notification to every device of a user: each Web Push subscription and each Expo token,
 * once per event. Every target is tried; if any should be tried again, the event fails afterwards
 * (the queue retries it, and only those targets run again).
 */
export async function pushToDevices(
  deps: NotificationDeps,
  eventId: string,
  userId: string,
  payload: PushPayload,
): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      failures.push(error);
    }
  };
  await attempt(() => webPushAll(deps, eventId, userId, payload));
  await attempt(() => expoAll(deps, eventId, userId, payload));
  if (failures.length > 0) throw failures[0];
}

async function webPushAll(deps: NotificationDeps, eventId: string, userId: string, payload: PushPayload) {
  const subscriptions = await subscriptionsOf(deps.db, userId);
  if (subscriptions.length === 0) return;
  const keys = deps.providers.webPush;
  if (!keys) {
    channelOff("web_push", userId, "VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY or VAPID_SUBJECT is not set");
    return;
  }
  let retry: DeliveryError | null = null;
  for (const subscription of subscriptions) {
    const key = { eventId, userId, channel: "web_push", target: subscription.id };
    try {
      await deliverOnce(deps.d1, key, deps.now, () =>
        sendWebPush(keys, subscription, payload, deps.now, async () => {
          await deleteSubscription(deps.db, subscription.id);
        }),
      );
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      retry = error;
    }
  }
  if (retry) throw retry;
}

/** Expo tokens in batches of at most 100; tickets are kept to fetch their receipts later. */
async function expoAll(deps: NotificationDeps, eventId: string, userId: string, payload: PushPayload) {
  const tokens = await expoTokensOf(deps.db, userId);
  const keyOf = (token: string) => ({ eventId, userId, channel: "expo", target: token });
  const claimed: string[] = [];
  for (const token of tokens) if (await claimDelivery(deps.d1, keyOf(token), deps.now)) claimed.push(token);
  let retry = false;
  for (let i = 0; i < claimed.length; i += EXPO_BATCH) {
    const batch = claimed.slice(i, i + EXPO_BATCH);
    let tickets: Awaited<ReturnType<typeof sendExpoBatch>>;
    try {
      tickets = await sendExpoBatch(
        deps.providers.expo,
        batch.map((to) => ({
          to,
          title: payload.title,
          body: payload.body,
          data: { notificationId: payload.notificationId, type: payload.type },
          sound: "default",
        })),
      );
    } catch (error) {
      for (const token of batch) await settleDelivery(deps.d1, keyOf(token), "failed", deps.now);
      if (error instanceof ExpoUnavailable) {
        retry = true;
        continue;
      }
      throw error;
    }
    const gone: string[] = [];
    const sent: { ticketId: string; token: string }[] = [];
    for (const [index, ticket] of tickets.entries()) {
      const token = batch[index];
      if (token === undefined) continue;
      if (ticket.status === "ok") sent.push({ ticketId: ticket.id, token });
      else if (isDeviceGone(ticket)) gone.push(token);
      else {
        log("warn", "expo refused a message", { error: ticket.details?.error, message: ticket.message });
      }
      // Only a rate limit is worth another try for one message; other errors will not change.
      const again = ticket.status === "error" && ticket.details?.error === "MessageRateExceeded";
      retry ||= again;
      await settleDelivery(deps.d1, keyOf(token), again ? "failed" : "sent", deps.now);
    }
    await saveExpoTickets(deps.db, sent, deps.now);
    if (gone.length > 0) {
      await deleteExpoTokens(deps.db, gone);
      log("info", "expo tokens not registered; removed", { count: gone.length });
    }
  }
  if (retry) throw new DeliveryError({ eventId, userId, channel: "expo", target: "" });
}
