import type { NotificationsDb } from "./client";
import { appliedQuery } from "./notifications";
import { storedPreferences } from "./preferences";
import {
  expoTokensQuery,
  newestFirst,
  newestTokens,
  type PushSubscriptionRow,
  subscriptionsQuery,
} from "./targets";

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

/** A user's switches and devices and the event's earlier landing, read in one batch (one round trip). */
export async function recipientStateOf(
  db: NotificationsDb,
  eventId: string,
  userId: string,
): Promise<RecipientState> {
  const [applied, switches, tokens, subscriptions] = await db.batch([
    appliedQuery(db, eventId, userId),
    storedPreferences(db, userId),
    expoTokensQuery(db, userId),
    subscriptionsQuery(db, userId),
  ]);
  return {
    appliedTo: applied[0]?.notificationId ?? null,
    switches,
    expoTokens: newestTokens(tokens),
    subscriptions: newestFirst(subscriptions),
  };
}
