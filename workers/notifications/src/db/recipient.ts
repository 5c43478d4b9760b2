import type { NotificationsDb } from "./client";
import { storedPreferences } from "./preferences";
import {
  expoTokensQuery,
  newestFirst,
  newestTokens,
  type PushSubscriptionRow,
  subscriptionsQuery,
} from "./targets";

/** What delivering a notification to one user depends on. */
export interface RecipientState {
  switches: { type: string; channel: string; enabled: boolean }[];
  /** Newest first. */
  expoTokens: string[];
  /** Newest first. */
  subscriptions: PushSubscriptionRow[];
}

/** A user's switches and devices, read in one batch (one round trip instead of three). */
export async function recipientStateOf(db: NotificationsDb, userId: string): Promise<RecipientState> {
  const [switches, tokens, subscriptions] = await db.batch([
    storedPreferences(db, userId),
    expoTokensQuery(db, userId),
    subscriptionsQuery(db, userId),
  ]);
  return {
    switches,
    expoTokens: newestTokens(tokens),
    subscriptions: newestFirst(subscriptions),
  };
}
