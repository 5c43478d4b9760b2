import { placeholders } from "../../../../lib/db";
import { inChunks, type NotificationsDb } from "./client";
import type { PushSubscriptionRow } from "./targets";

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

type RawApplied = { user_id: string; notification_id: string };
type RawSwitch = { user_id: string; type: string; channel: string; enabled: number };
type RawToken = { token: string; user_id: string };
type RawSubscription = {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
};

/**
 * The four reads of a chunk of recipients, as SQL written once rather than built by drizzle for
 * every event: building them was about a sixth of the notifications isolate's CPU in bench/social's
 * mix (docs/decisions.md, entry 12). The columns are those of schema.ts's tables of the same names;
 * devices come newest first.
 */
function stateStatements(d1: D1Database, eventId: string, userIds: string[]): D1PreparedStatement[] {
  const users = `user_id IN (${placeholders(userIds.length)})`;
  return [
    d1
      .prepare(
        `SELECT user_id, notification_id FROM applied_events
         WHERE event_id = ?${userIds.length + 1} AND ${users}`,
      )
      .bind(...userIds, eventId),
    d1.prepare(`SELECT user_id, type, channel, enabled FROM preferences WHERE ${users}`).bind(...userIds),
    d1
      .prepare(`SELECT token, user_id FROM expo_tokens WHERE ${users} ORDER BY created_at DESC`)
      .bind(...userIds),
    d1
      .prepare(
        `SELECT id, user_id, endpoint, p256dh, auth, created_at FROM push_subscriptions
         WHERE ${users} ORDER BY created_at DESC`,
      )
      .bind(...userIds),
  ];
}

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
    const [applied, switches, tokens, subscriptions] = await db.$client.batch(
      stateStatements(db.$client, eventId, chunk),
    );
    for (const row of rowsOf<RawApplied>(applied)) stateOf(row.user_id).appliedTo = row.notification_id;
    for (const row of rowsOf<RawSwitch>(switches)) {
      stateOf(row.user_id).switches.push({
        type: row.type,
        channel: row.channel,
        enabled: row.enabled === 1,
      });
    }
    for (const row of rowsOf<RawToken>(tokens)) stateOf(row.user_id).expoTokens.push(row.token);
    for (const row of rowsOf<RawSubscription>(subscriptions)) {
      stateOf(row.user_id).subscriptions.push({
        id: row.id,
        userId: row.user_id,
        endpoint: row.endpoint,
        p256dh: row.p256dh,
        auth: row.auth,
        createdAt: row.created_at,
      });
    }
  }
  return states;
}

function rowsOf<T>(result: D1Result | undefined): T[] {
  return (result?.results ?? []) as T[];
}
