import type { DomainEvent } from "../../../lib/events/catalog";
import type { Notification } from "../../../lib/events/live";
import { sendEmail } from "./channels/email";
import { sendSms } from "./channels/sms";
import { deliverOnce } from "./db/deliveries";
import { applyEvent, unreadCount } from "./db/notifications";
import { contactOf, storedPreferences } from "./db/preferences";
import { channelOf, type NotificationDeps } from "./deps";
import { actorsById, toNotification } from "./notifications";
import { effectivePreferences, type Preferences, wants } from "./preferences";
import { channelOff } from "./providers";
import { ExpoOutbox, flushExpo, pushToDevices } from "./push";
import { pushTitle, renderText } from "./render";
import { type Intent, intentsOf, isOwnAction } from "./rules";

/**
 * One domain event from the queue: every notification it makes, each stored first, then pushed
 * to the user's open sockets, then to their devices, then (for messages and account mail) by email
 * and SMS, as their preferences allow. Safe to run again for the same event: nothing is stored or
 * sent twice.
 */
export async function handleNotificationEvent(deps: NotificationDeps, event: DomainEvent): Promise<void> {
  const outbox = new ExpoOutbox();
  try {
    for (const intent of intentsOf(event)) {
      const userId = await recipientOf(deps, intent);
      if (userId === null || isOwnAction(intent, userId)) continue;
      await notify(deps, event, intent, userId, outbox);
    }
  } finally {
    // Claimed Expo messages go out (or are released) even when a later recipient failed.
    await flushExpo(deps, outbox);
  }
}

/** The recipient's user id; a mentioned handle nobody has is nobody. */
async function recipientOf(deps: NotificationDeps, intent: Intent): Promise<string | null> {
  if ("userId" in intent.recipient) return intent.recipient.userId;
  if (!/^[a-z0-9_]{1,30}$/.test(intent.recipient.handle)) return null;
  return (await deps.users.getProfileByHandle(intent.recipient.handle))?.id ?? null;
}

async function notify(
  deps: NotificationDeps,
  event: DomainEvent,
  intent: Intent,
  userId: string,
  outbox: ExpoOutbox,
) {
  const channel = channelOf(deps, userId);
  // A message reaches a user on their live channel already when they are online.
  if (intent.type === "message" && (await channel.connected()) > 0) return;
  const preferences = effectivePreferences(await storedPreferences(deps.db, userId));
  const actors = await actorsById(deps.users, [intent.actorId]);
  const key = (name: string, target = "") => ({ eventId: event.id, userId, channel: name, target });

  let notification: Notification | null = null;
  if (wants(preferences, intent.type, "inApp")) {
    const { row } = await applyEvent(deps.d1, deps.db, {
      eventId: event.id,
      userId,
      type: intent.type,
      groupKey: intent.groupKey,
      actorId: intent.actorId,
      subject: JSON.stringify(intent.subject),
      at: Date.parse(event.occurredAt),
    });
    const stored = toNotification(row, actors);
    notification = stored;
    await deliverOnce(deps.d1, key("in_app"), deps.now, async () => {
      const unread = await unreadCount(deps.db, userId);
      await channel.publish({ type: "notification", notification: stored, unread });
      return "sent";
    });
  }

  const actor = intent.actorId ? (actors.get(intent.actorId) ?? null) : null;
  const text = notification?.text ?? renderText(intent.type, actor, 0, intent.subject);
  if (wants(preferences, intent.type, "push")) {
    await pushToDevices(
      deps,
      event.id,
      userId,
      {
        title: pushTitle(intent),
        body: text,
        notificationId: notification?.id ?? null,
        type: intent.type,
      },
      outbox,
    );
  }
  if (
    intent.type === "message" &&
    (wants(preferences, "message", "email") || wants(preferences, "message", "sms"))
  ) {
    await channel.scheduleDigest({ userId, dueAt: deps.now + deps.digestDelayMs });
  }
  if (intent.type === "security") await accountMail(deps, event.id, userId, preferences, text);
}

/** A notice about the account itself, by email and (when the user gave a number) SMS. */
async function accountMail(
  deps: NotificationDeps,
  eventId: string,
  userId: string,
  preferences: Preferences,
  text: string,
): Promise<void> {
  if (wants(preferences, "security", "email")) {
    const email = deps.providers.email;
    const address = await deps.auth.emailOf(userId);
    if (!email) channelOff("email", userId, "RESEND_API_KEY or EMAIL_FROM is not set");
    else if (address) {
      await deliverOnce(deps.d1, { eventId, userId, channel: "email", target: address }, deps.now, () =>
        sendEmail(
          email,
          { to: address, subject: "Your Plaza password was changed", text },
          `${eventId}:${userId}`,
        ),
      );
    }
  }
  if (wants(preferences, "security", "sms")) {
    const sms = deps.providers.sms;
    const { phone } = await contactOf(deps.db, userId);
    if (!phone) return;
    if (!sms) channelOff("sms", userId, "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_FROM is not set");
    else
      await deliverOnce(deps.d1, { eventId, userId, channel: "sms", target: phone }, deps.now, () =>
        sendSms(sms, phone, text),
      );
  }
}
