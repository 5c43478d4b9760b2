import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { NotificationType } from "../../../../lib/events/live";
import { newId } from "../../../../lib/ids";
import type { KeysetCursor } from "../../../../lib/pagination";
import { inChunks, type NotificationsDb } from "./client";
import { isOnline } from "./presence";
import { notifications } from "./schema";

export type NotificationRow = typeof notifications.$inferSelect;

export interface NewNotification {
  eventId: string;
  userId: string;
  type: NotificationType;
  groupKey: string | null;
  actorId: string | null;
  subject: string;
  at: number;
}

/** How one event landed in one user's notifications (see applyEvent). */
export interface Applied {
  row: NotificationRow;
  /** False: an earlier delivery of the event had applied it already. */
  applied: boolean;
  /** The user is recorded online, as read after the write. */
  online: boolean;
}

/** Recipients whose writes share one D1 batch (five statements each). */
const APPLY_PER_BATCH = 20;

/**
 * Applies one event to each user's notifications, once: a new row, or one more actor in the open
 * group it belongs to. Each user's three writes and two reads (the row, their presence) are in one
 * D1 batch (a transaction) with up to APPLY_PER_BATCH other users'. `appliedTo` is where the event
 * already landed for that user (a redelivery), read beforehand with the recipient's state. One
 * result per input, in order; one input per user.
 */
export async function applyEvents(
  d1: D1Database,
  db: NotificationsDb,
  inputs: (NewNotification & { appliedTo: string | null })[],
): Promise<Applied[]> {
  const results: Applied[] = new Array(inputs.length);
  const fresh: { index: number; input: NewNotification }[] = [];
  for (const [index, input] of inputs.entries()) {
    const row = input.appliedTo ? await findNotification(db, input.appliedTo) : null;
    if (row) results[index] = { row, applied: false, online: await isOnline(db, input.userId) };
    else fresh.push({ index, input });
  }
  for (let i = 0; i < fresh.length; i += APPLY_PER_BATCH) {
    const some = fresh.slice(i, i + APPLY_PER_BATCH).map(({ index, input }) => ({
      index,
      input,
      id: newId("ntf"),
    }));
    const answers = await d1.batch(some.flatMap(({ input, id }) => applyStatements(d1, id, input)));
    for (const [k, { index, id }] of some.entries()) {
      const raw = (answers[k * 5 + 3]?.results ?? [])[0] as Record<string, unknown> | undefined;
      if (!raw) throw new Error(`notification ${id} was not stored`);
      results[index] = {
        row: fromRaw(raw),
        applied: true,
        online: (answers[k * 5 + 4]?.results ?? []).length > 0,
      };
    }
  }
  return results;
}

/** One user's part of applyEvent's batch: three writes, then the row and their presence. */
function applyStatements(d1: D1Database, id: string, input: NewNotification): D1PreparedStatement[] {
  // The row this event lands in: the new one, or the user's open group with this key.
  const target = `SELECT id FROM notifications WHERE id = ?1 OR (user_id = ?2 AND group_key = ?3 AND read_at IS NULL AND group_key IS NOT NULL)`;
  return [
    d1
      .prepare(
        `INSERT INTO notifications (id, user_id, type, group_key, actor_id, actor_count, subject, updated_at, created_at)
         VALUES (?1, ?2, ?4, ?3, ?5, 1, ?6, ?7, ?7)
         ON CONFLICT (user_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL DO UPDATE SET
           actor_id = excluded.actor_id,
           subject = excluded.subject,
           updated_at = excluded.updated_at,
           actor_count = actor_count + (CASE WHEN excluded.actor_id IS NULL OR EXISTS (
             SELECT 1 FROM notification_actors a WHERE a.notification_id = notifications.id AND a.actor_id = excluded.actor_id
           ) THEN 0 ELSE 1 END)`,
      )
      .bind(id, input.userId, input.groupKey, input.type, input.actorId, input.subject, input.at),
    d1
      .prepare(
        `INSERT OR IGNORE INTO notification_actors (notification_id, actor_id) SELECT id, ?4 FROM (${target}) WHERE ?4 IS NOT NULL`,
      )
      .bind(id, input.userId, input.groupKey, input.actorId),
    d1
      .prepare(
        `INSERT OR IGNORE INTO applied_events (event_id, user_id, notification_id, at) SELECT ?4, ?2, id, ?5 FROM (${target})`,
      )
      .bind(id, input.userId, input.groupKey, input.eventId, input.at),
    d1.prepare(`SELECT * FROM notifications WHERE id IN (${target})`).bind(id, input.userId, input.groupKey),
    d1.prepare("SELECT 1 FROM online_users WHERE user_id = ?1").bind(input.userId),
  ];
}

function fromRaw(raw: Record<string, unknown>): NotificationRow {
  return {
    id: String(raw.id),
    userId: String(raw.user_id),
    type: String(raw.type),
    groupKey: raw.group_key == null ? null : String(raw.group_key),
    actorId: raw.actor_id == null ? null : String(raw.actor_id),
    actorCount: Number(raw.actor_count),
    subject: String(raw.subject),
    readAt: raw.read_at == null ? null : Number(raw.read_at),
    updatedAt: Number(raw.updated_at),
    createdAt: Number(raw.created_at),
  };
}

export async function findNotification(db: NotificationsDb, id: string): Promise<NotificationRow | null> {
  return (await db.select().from(notifications).where(eq(notifications.id, id)).get()) ?? null;
}

/** A page of a user's notifications, latest activity first. */
export async function pageNotifications(
  db: NotificationsDb,
  userId: string,
  limit: number,
  after: KeysetCursor | null,
): Promise<NotificationRow[]> {
  const position = after
    ? or(
        lt(notifications.updatedAt, after.at),
        and(eq(notifications.updatedAt, after.at), lt(notifications.id, after.id)),
      )
    : undefined;
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), position))
    .orderBy(desc(notifications.updatedAt), desc(notifications.id))
    .limit(limit);
}

export async function unreadCount(db: NotificationsDb, userId: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .get();
  return Number(row?.n ?? 0);
}

/** Marks some (or all) of a user's notifications read; returns how many changed. */
export async function markRead(
  db: NotificationsDb,
  userId: string,
  ids: string[] | "all",
  now: number,
): Promise<number> {
  let changed = 0;
  for (const which of ids === "all"
    ? [undefined]
    : inChunks(ids).map((some) => inArray(notifications.id, some))) {
    const rows = await db
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), which))
      .returning({ id: notifications.id });
    changed += rows.length;
  }
  return changed;
}

/** A user's unread message notifications that arrived after `since`, for the digest. */
export async function unreadMessagesSince(
  db: NotificationsDb,
  userId: string,
  since: number,
): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.type, "message"),
        isNull(notifications.readAt),
        gt(notifications.updatedAt, since),
      ),
    )
    .orderBy(desc(notifications.updatedAt))
    .limit(50);
}
