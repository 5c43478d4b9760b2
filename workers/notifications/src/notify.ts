import type { DomainEvent } from "../../../lib/events/catalog";
import { sendEmail } from "./channels/email";
import { sendSms } from "./channels/sms";
import { deliverOnce } from "./db/deliveries";
import { type Applied, applyEvents, unreadCount } from "./db/notifications";
import { contactOf } from "./db/preferences";
import { noState, type RecipientState, recipientStatesOf } from "./db/recipient";
import { channelOf, type NotificationDeps } from "./deps";
import { type Actor, actorsById, toNotification } from "./notifications";
import { effectivePreferences, type Preferences, wants } from "./preferences";
import { channelOff } from "./providers";
import { ExpoOutbox, flushExpo, pushToDevices } from "./push";
import { pushTitle, renderText } from "./render";
import { type Intent, intentsOf, isOwnAction } from "./rules";

/**
 * One domain event from the queue: every notification it makes, each stored first, then pushed
 * to the user's open sockets, then to their devices, then (for messages and account mail) by email
 * and SMS, as their preferences allow. Safe to run again for the same event: nothing is stored or
 * sent twice. The recipients' state is read, and their notifications written, in shared D1 batches.
 */
export async function handleNotificationEvent(deps: NotificationDeps, event: DomainEvent): Promise<void> {
  const intents = intentsOf(event);
  if (intents.length === 0) return;
  const outbox = new ExpoOutbox();
  try {
    const wanted = await toNotify(deps, intents, await recipientsOf(deps, intents));
    if (wanted.length === 0) return;
    const states = await recipientStatesOf(
      deps.db,
      event.id,
      wanted.map(({ userId }) => userId),
    );
    const plans = wanted.map(({ intent, userId }) => {
      const state = states.get(userId) ?? noState();
      return { intent, userId, state, preferences: effectivePreferences(state.switches) };
    });
    const listed = plans.filter(({ intent, preferences }) => wants(preferences, intent.type, "inApp"));
    const applied = await applyEvents(
      deps.d1,
      deps.db,
      listed.map(({ intent, userId, state }) => ({
        eventId: event.id,
        userId,
        type: intent.type,
        groupKey: intent.groupKey,
        actorId: intent.actorId,
        subject: JSON.stringify(intent.subject),
        at: Date.parse(event.occurredAt),
        appliedTo: state.appliedTo,
      })),
    );
    const appliedTo = new Map(listed.map(({ userId }, i) => [userId, applied[i] ?? null]));
    // One lookup for every actor of the event (usually one), made only if a recipient needs it.
    let lookup: Promise<Map<string, Actor>> | undefined;
    const actors = () => {
      lookup ??= actorsById(
        deps.users,
        wanted.map(({ intent }) => intent.actorId),
      );
      return lookup;
    };
    for (const plan of plans) {
      await deliver(deps, event, plan, appliedTo.get(plan.userId) ?? null, actors, outbox);
    }
  } finally {
    // Claimed Expo messages go out (or are released) even when a later recipient failed.
    await flushExpo(deps, outbox);
  }
}

/**
 * Who this event notifies: each recipient once (an event lands once per user: the first intent
 * for them), never the actor about their own action, and nobody about a message while a socket of
 * theirs is open (the message reached them there).
 */
async function toNotify(
  deps: NotificationDeps,
  intents: Intent[],
  recipients: (string | null)[],
): Promise<{ intent: Intent; userId: string }[]> {
  const seen = new Set<string>();
  const wanted: { intent: Intent; userId: string }[] = [];
  for (const [i, intent] of intents.entries()) {
    const userId = recipients[i] ?? null;
    if (userId === null || seen.has(userId) || isOwnAction(intent, userId)) continue;
    seen.add(userId);
    if (intent.type === "message" && (await channelOf(deps, userId).connected()) > 0) continue;
    wanted.push({ intent, userId });
  }
  return wanted;
}

/**
 * Each intent's recipient user id, in order; a mentioned handle nobody has is nobody. The handles
 * of an event (a post's mentions) are looked up together.
 */
async function recipientsOf(deps: NotificationDeps, intents: Intent[]): Promise<(string | null)[]> {
  const handles = [
    ...new Set(
      intents.flatMap(({ recipient }) =>
        "handle" in recipient && HANDLE.test(recipient.handle) ? [recipient.handle] : [],
      ),
    ),
  ];
  const byHandle = new Map<string, string>();
  for (let i = 0; i < handles.length; i += HANDLES_PER_CALL) {
    for (const profile of await deps.users.getProfilesByHandles(handles.slice(i, i + HANDLES_PER_CALL))) {
      byHandle.set(profile.handle, profile.id);
    }
  }
  return intents.map(({ recipient }) =>
    "userId" in recipient ? recipient.userId : (byHandle.get(recipient.handle) ?? null),
  );
}

/** The users service's handle rule: anything else names nobody (and would fail its validation). */
const HANDLE = /^[a-z0-9_]{3,30}$/;
const HANDLES_PER_CALL = 100;

/** What one recipient's delivery works from: their intent, state and effective preferences. */
interface Plan {
  intent: Intent;
  userId: string;
  state: RecipientState;
  preferences: Preferences;
}

/**
 * Shows one stored notification (or, with in-app off, the bare intent) to its recipient: on their
 * socket when they are recorded online, then on their devices, then by account mail; and schedules
 * the message digest. Presence comes back from the write that stored the notification, and a
 * channel records it before it welcomes a socket: so a user who is not online yet finds this
 * notification in the list they load once welcomed, and only a user with a socket open has their
 * channel woken.
 */
async function deliver(
  deps: NotificationDeps,
  event: DomainEvent,
  { intent, userId, state, preferences }: Plan,
  applied: Applied | null,
  actors: () => Promise<Map<string, Actor>>,
  outbox: ExpoOutbox,
) {
  const channel = channelOf(deps, userId);
  const online = applied?.online ?? false;
  const push =
    state.expoTokens.length + state.subscriptions.length > 0 && wants(preferences, intent.type, "push");

  // Actor names are only needed for what is shown now: a live frame, a push, an account email.
  if (online || push || intent.type === "security") {
    const known = await actors();
    const notification = applied ? toNotification(applied.row, known) : null;
    if (notification && online) {
      await deliverOnce(
        deps.d1,
        { eventId: event.id, userId, channel: "in_app", target: "" },
        deps.now,
        async () => {
          const unread = await unreadCount(deps.db, userId);
          await channel.publish({ type: "notification", notification, unread });
          return "sent";
        },
      );
    }
    const actor = intent.actorId ? (known.get(intent.actorId) ?? null) : null;
    const text = notification?.text ?? renderText(intent.type, actor, 0, intent.subject);
    if (push) {
      await pushToDevices(
        deps,
        event.id,
        userId,
        { title: pushTitle(intent), body: text, notificationId: notification?.id ?? null, type: intent.type },
        outbox,
        state,
      );
    }
    if (intent.type === "security") await accountMail(deps, event.id, userId, preferences, text);
  }
  if (
    intent.type === "message" &&
    (wants(preferences, "message", "email") || wants(preferences, "message", "sms"))
  ) {
    await channel.scheduleDigest({ userId, dueAt: deps.now + deps.digestDelayMs });
  }
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
