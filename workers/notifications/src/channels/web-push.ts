import { fromBase64url } from "../../../../lib/ids";
import { describeError, log } from "../../../../lib/logging";
import { encryptPushMessage } from "../../../../lib/push/encryption";
import { type VapidKeys, vapidAuthorization } from "../../../../lib/push/vapid";
import type { DeliveryOutcome } from "../db/deliveries";
import type { PushSubscriptionRow } from "../db/targets";

/** What a push shows: the service worker of the web app reads this JSON. */
export interface PushPayload {
  title: string;
  body: string;
  /** The notification it announces, so a click can open it. */
  notificationId: string | null;
  type: string;
}

/** How long a push service keeps a message for an offline browser. */
const TTL_SECONDS = 24 * 60 * 60;

/**
 * Sends one Web Push message (RFC 8030) to a subscription: the payload encrypted for it (RFC 8291),
 * signed for its push service with our VAPID key (RFC 8292). 404 and 410 mean the subscription is
 * gone: `onGone` removes it, as it does a subscription whose keys cannot be encrypted for. 429 and
 * 5xx are worth another try; any other refusal is not.
 */
export async function sendWebPush(
  keys: VapidKeys,
  subscription: PushSubscriptionRow,
  payload: PushPayload,
  now: number,
  onGone: () => Promise<void>,
): Promise<DeliveryOutcome> {
  let body: Uint8Array;
  try {
    body = await encryptPushMessage(
      { p256dh: fromBase64url(subscription.p256dh), auth: fromBase64url(subscription.auth) },
      new TextEncoder().encode(JSON.stringify(payload)),
    );
  } catch (error) {
    // Keys no message can be encrypted for (a point off the curve, stored before subscriptions were
    // checked for it): no later try will do better, and throwing would hold up the user's other
    // devices and the event's other recipients. The subscription goes, as a gone one does.
    await onGone();
    log("warn", "push subscription keys unusable; removed", {
      subscriptionId: subscription.id,
      ...describeError(error),
    });
    return "permanent_failure";
  }
  const response = await fetch(subscription.endpoint, {
    method: "POST",
    headers: {
      authorization: await vapidAuthorization(keys, subscription.endpoint, now),
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      ttl: String(TTL_SECONDS),
      urgency: "normal",
    },
    body,
  });
  await response.body?.cancel();
  if (response.ok) return "sent";
  if (response.status === 404 || response.status === 410) {
    await onGone();
    log("info", "push subscription gone; removed", {
      subscriptionId: subscription.id,
      status: response.status,
    });
    return "permanent_failure";
  }
  log("warn", "push service refused a message", { subscriptionId: subscription.id, status: response.status });
  return response.status === 429 || response.status >= 500 ? "retry" : "permanent_failure";
}
