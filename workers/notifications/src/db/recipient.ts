import type { NotificationsDb } from "./client";
import { storedPreferences } from "./preferences";
import { onlineQuery } from "./presence";
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
  /** A socket of theirs is open, as their channel last recorded in the presence index. */
  online: boolean;
  /** Newest first. */
  expoTokens: string[];
  /** Newest first. */
  subscriptions: PushSubscriptionRow[];
}

/** A user's switches, presence and devices, read in one batch (one round trip instead of four). */
export async function recipientStateOf(db: NotificationsDb, userId: string): Promise<RecipientState> {
  const [switches, online, tokens, subscriptions] = await db.batch([
    storedPreferences(db, userId),
    onlineQuery(db, userId),
    expoTokensQuery(db, userId),
    subscriptionsQuery(db, userId),
  ]);
  return {
    switches,
    online: online.length > 0,
    expoTokens: newestTokens(tokens),
    subscriptions: newestFirst(subscriptions),
  };
}
