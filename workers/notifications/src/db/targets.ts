import { and, eq, inArray, lt } from "drizzle-orm";
import { inChunks, type NotificationsDb } from "./client";
import { expoTickets, expoTokens, pushSubscriptions } from "./schema";

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

/** Most subscriptions and tokens one user keeps: the oldest make room for new ones. */
export const MAX_TARGETS_PER_USER = 20;

/**
 * Saves a browser subscription. An endpoint belongs to one browser profile, so saving it again
 * (also for another user signing in there) replaces the earlier row.
 */
export async function saveSubscription(
  db: NotificationsDb,
  row: PushSubscriptionRow,
): Promise<PushSubscriptionRow> {
  const saved = await db
    .insert(pushSubscriptions)
    .values(row)
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { userId: row.userId, p256dh: row.p256dh, auth: row.auth, createdAt: row.createdAt },
    })
    .returning()
    .get();
  const all = await subscriptionsOf(db, row.userId);
  const extra = all.slice(MAX_TARGETS_PER_USER).map((s) => s.id);
  if (extra.length > 0) await db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, extra));
  return saved;
}

/** Sorts subscriptions or tokens newest first, in place. */
export const newestFirst = <T extends { createdAt: number }>(rows: T[]): T[] =>
  rows.sort((a, b) => b.createdAt - a.createdAt);

/** A user's subscriptions, newest first. */
export async function subscriptionsOf(db: NotificationsDb, userId: string): Promise<PushSubscriptionRow[]> {
  return newestFirst(await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)));
}

export async function deleteSubscription(db: NotificationsDb, id: string, userId?: string): Promise<boolean> {
  const where = userId
    ? and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId))
    : eq(pushSubscriptions.id, id);
  return (await db.delete(pushSubscriptions).where(where).returning({ id: pushSubscriptions.id })).length > 0;
}

export async function saveExpoToken(db: NotificationsDb, userId: string, token: string, now: number) {
  await db
    .insert(expoTokens)
    .values({ token, userId, createdAt: now })
    .onConflictDoUpdate({ target: expoTokens.token, set: { userId, createdAt: now } });
  const all = await expoTokensOf(db, userId);
  const extra = all.slice(MAX_TARGETS_PER_USER);
  if (extra.length > 0) await db.delete(expoTokens).where(inArray(expoTokens.token, extra));
}

/** A user's Expo tokens, newest first. */
export async function expoTokensOf(db: NotificationsDb, userId: string): Promise<string[]> {
  return newestFirst(await db.select().from(expoTokens).where(eq(expoTokens.userId, userId))).map(
    (row) => row.token,
  );
}

export async function deleteExpoTokens(
  db: NotificationsDb,
  tokens: string[],
  userId?: string,
): Promise<number> {
  if (tokens.length === 0) return 0;
  const where = userId
    ? and(inArray(expoTokens.token, tokens), eq(expoTokens.userId, userId))
    : inArray(expoTokens.token, tokens);
  return (await db.delete(expoTokens).where(where).returning({ token: expoTokens.token })).length;
}

export async function saveExpoTickets(
  db: NotificationsDb,
  tickets: { ticketId: string; token: string }[],
  now: number,
) {
  const [first, ...rest] = tickets.map((t) =>
    db
      .insert(expoTickets)
      .values({ ...t, createdAt: now })
      .onConflictDoNothing(),
  );
  if (first) await db.batch([first, ...rest]);
}

/** Tickets sent before `sentBefore`, oldest first: their receipts should be ready. */
export async function dueExpoTickets(db: NotificationsDb, sentBefore: number, limit: number) {
  return db
    .select()
    .from(expoTickets)
    .where(lt(expoTickets.createdAt, sentBefore))
    .orderBy(expoTickets.createdAt)
    .limit(limit);
}

export async function deleteExpoTickets(db: NotificationsDb, ticketIds: string[]): Promise<void> {
  for (const some of inChunks(ticketIds))
    await db.delete(expoTickets).where(inArray(expoTickets.ticketId, some));
}
