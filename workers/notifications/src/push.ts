import { log } from "../../../lib/logging";
import {
  EXPO_BATCH,
  type ExpoMessage,
  type ExpoTicket,
  ExpoUnavailable,
  isDeviceGone,
  sendExpoBatch,
} from "./channels/expo";
import { type PushPayload, sendWebPush } from "./channels/web-push";
import { claimDelivery, DeliveryError, type DeliveryKey, deliverOnce, settleDelivery } from "./db/deliveries";
import type { RecipientState } from "./db/recipient";
import {
  deleteExpoTokens,
  deleteSubscription,
  type PushSubscriptionRow,
  saveExpoTickets,
} from "./db/targets";
import type { NotificationDeps } from "./deps";
import { channelOff } from "./providers";

/**
 * Expo messages of one event, claimed and waiting to go out together: Expo takes up to 100 per
 * request, and one event (a message to a group of 100) can reach many users' devices.
 */
export class ExpoOutbox {
  readonly pending: { key: DeliveryKey; message: ExpoMessage }[] = [];
}

/**
 * Sends one notification to every device of a user (as read with the recipient's state): each Web
 * Push subscription now, and each Expo token through the event's outbox (sent by flushExpo), once
 * per event. Every target is tried; if any should be tried again, the event fails afterwards (the
 * queue retries it, and only those targets run again).
 */
export async function pushToDevices(
  deps: NotificationDeps,
  eventId: string,
  userId: string,
  payload: PushPayload,
  outbox: ExpoOutbox,
  devices: Pick<RecipientState, "expoTokens" | "subscriptions">,
): Promise<void> {
  for (const token of devices.expoTokens) {
    const key = { eventId, userId, channel: "expo", target: token };
    if (!(await claimDelivery(deps.d1, key, deps.now))) continue;
    outbox.pending.push({
      key,
      message: {
        to: token,
        title: payload.title,
        body: payload.body,
        data: { notificationId: payload.notificationId, type: payload.type },
        sound: "default",
      },
    });
  }
  await webPushAll(deps, eventId, userId, payload, devices.subscriptions);
}

async function webPushAll(
  deps: NotificationDeps,
  eventId: string,
  userId: string,
  payload: PushPayload,
  subscriptions: PushSubscriptionRow[],
) {
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

/**
 * Sends an event's claimed Expo messages in batches of at most 100 and settles every claim: a
 * ticket is kept to fetch its receipt later, DeviceNotRegistered removes the token, a rate limit or
 * an unavailable Expo leaves the claim failed and throws once all batches were tried.
 */
export async function flushExpo(deps: NotificationDeps, outbox: ExpoOutbox): Promise<void> {
  const all = outbox.pending.splice(0);
  let retry: DeliveryError | null = null;
  for (let i = 0; i < all.length; i += EXPO_BATCH) {
    const batch = all.slice(i, i + EXPO_BATCH);
    let tickets: ExpoTicket[];
    try {
      tickets = await sendExpoBatch(
        deps.providers.expo,
        batch.map((entry) => entry.message),
      );
    } catch (error) {
      for (const { key } of batch) await settleDelivery(deps.d1, key, "failed", deps.now);
      if (!(error instanceof ExpoUnavailable)) throw error;
      retry = new DeliveryError(batch[0]?.key ?? { eventId: "", userId: "", channel: "expo", target: "" });
      continue;
    }
    const gone: string[] = [];
    const sent: { ticketId: string; token: string }[] = [];
    for (const [index, ticket] of tickets.entries()) {
      const entry = batch[index];
      if (!entry) continue;
      const token = entry.message.to;
      if (ticket.status === "ok") sent.push({ ticketId: ticket.id, token });
      else if (isDeviceGone(ticket)) gone.push(token);
      else log("warn", "expo refused a message", { error: ticket.details?.error, message: ticket.message });
      // Only a rate limit is worth another try for one message; other errors will not change.
      const again = ticket.status === "error" && ticket.details?.error === "MessageRateExceeded";
      if (again) retry = new DeliveryError(entry.key);
      await settleDelivery(deps.d1, entry.key, again ? "failed" : "sent", deps.now);
    }
    await saveExpoTickets(deps.db, sent, deps.now);
    if (gone.length > 0) {
      await deleteExpoTokens(deps.db, gone);
      log("info", "expo tokens not registered; removed", { count: gone.length });
    }
  }
  if (retry) throw retry;
}
