import { sendEmail } from "./channels/email";
import { sendSms } from "./channels/sms";
import { deliverOnce } from "./db/deliveries";
import { unreadMessagesSince } from "./db/notifications";
import { contactOf, setDigestedUntil, storedPreferences } from "./db/preferences";
import { notificationDeps } from "./deps";
import { actorsById, toNotification } from "./notifications";
import { effectivePreferences, wants } from "./preferences";
import { channelOff } from "./providers";

/**
 * The message-while-offline digest of one user: their unread message notifications that no digest
 * has covered yet, in one email and one SMS (as their preferences allow). Nothing unread: nothing
 * sent. Runs from the user's channel alarm; a failure throws, and the alarm tries again (each
 * digest is sent at most once per channel and address).
 */
export async function sendDigest(env: NotificationsEnv, userId: string, now: number): Promise<void> {
  const deps = notificationDeps(env, now);
  const contact = await contactOf(deps.db, userId);
  const rows = await unreadMessagesSince(deps.db, userId, contact.digestedUntil);
  if (rows.length === 0) return;
  const preferences = effectivePreferences(await storedPreferences(deps.db, userId));
  const actors = await actorsById(
    deps.users,
    rows.map((row) => row.actorId),
  );
  const lines = rows.map((row) => toNotification(row, actors).text);
  const until = Math.max(...rows.map((row) => row.updatedAt));
  const digestId = `digest:${until}`;
  const summary = `${rows.length === 1 ? "A conversation has" : `${rows.length} conversations have`} new messages on Plaza`;

  if (wants(preferences, "message", "email")) {
    const email = deps.providers.email;
    const address = await deps.auth.emailOf(userId);
    if (!email) channelOff("email", userId, "RESEND_API_KEY or EMAIL_FROM is not set");
    else if (address) {
      await deliverOnce(deps.d1, { eventId: digestId, userId, channel: "email", target: address }, now, () =>
        sendEmail(
          email,
          {
            to: address,
            subject: summary,
            text: [`${summary}:`, "", ...lines.map((line) => `- ${line}`)].join("\n"),
          },
          `${digestId}:${userId}`,
        ),
      );
    }
  }
  if (wants(preferences, "message", "sms") && contact.phone) {
    const sms = deps.providers.sms;
    const phone = contact.phone;
    if (!sms) channelOff("sms", userId, "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_FROM is not set");
    else {
      await deliverOnce(deps.d1, { eventId: digestId, userId, channel: "sms", target: phone }, now, () =>
        sendSms(sms, phone, `${summary}. ${lines[0] ?? ""}`),
      );
    }
  }
  await setDigestedUntil(deps.db, userId, until);
}
