import { and, eq, inArray } from "drizzle-orm";
import { inChunks, type NotificationsDb } from "./client";
import { appliedEvents, expoTokens, preferences, pushSubscriptions } from "./schema";
import { newestFirst, type PushSubscriptionRow } from "./targets";

/** What delivering one event's notification to one user depends on. */
export interface RecipientState {
  /** The notification this event already landed in for them (a redelivery), if any. */
  appliedTo: string | null;
  switches: { type: string; channel: string; enabled: boolean }[];
  /** Newest first. */
  expoTokens: string[];
  /** Newest first. */
  subscriptions: PushSubscriptionRow[];
}

/** A user with no stored switches, no devices, and no earlier landing of the event. */
export const noState = (): RecipientState => ({
  appliedTo: null,
  switches: [],
  expoTokens: [],
  subscriptions: [],
});

/**
 * The recipients' switches and devices, and where the event already landed for them, by user id:
 * one D1 batch of four statements for up to MAX_IN_LIST users, however many the event reaches.
 */
export async function recipientStatesOf(
  db: NotificationsDb,
  eventId: string,
  userIds: string[],
): Promise<Map<string, RecipientState>> {
  const states = new Map<string, RecipientState>();
  const stateOf = (userId: string) => {
    let state = states.get(userId);
    if (!state) {
      state = noState();
      states.set(userId, state);
    }
    return state;
  };
  for (const chunk of inChunks([...new Set(userIds)])) {
    for (const userId of chunk) stateOf(userId);
    const [applied, switches, tokens, subscriptions] = await db.batch([
      db
        .select({ userId: appliedEvents.userId, notificationId: appliedEvents.notificationId })
        .from(appliedEvents)
        .where(and(eq(appliedEvents.eventId, eventId), inArray(appliedEvents.userId, chunk))),
      db
        .select({
          userId: preferences.userId,
          type: preferences.type,
          channel: preferences.channel,
          enabled: preferences.enabled,
        })
        .from(preferences)
        .where(inArray(preferences.userId, chunk)),
      db.select().from(expoTokens).where(inArray(expoTokens.userId, chunk)),
      db.select().from(pushSubscriptions).where(inArray(pushSubscriptions.userId, chunk)),
    ]);
    for (const row of applied) stateOf(row.userId).appliedTo = row.notificationId;
    for (const { userId, ...switch_ } of switches) stateOf(userId).switches.push(switch_);
    for (const row of newestFirst(tokens)) stateOf(row.userId).expoTokens.push(row.token);
    for (const row of newestFirst(subscriptions)) stateOf(row.userId).subscriptions.push(row);
  }
  return states;
}
