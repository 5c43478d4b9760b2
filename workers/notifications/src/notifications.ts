import { z } from "zod";
import { type Notification, NotificationSubject, NotificationType } from "../../../lib/events/live";
import { decodeCursor, KeysetCursor, pageOf } from "../../../lib/pagination";
import type { NotificationsDb } from "./db/client";
import { markRead, type NotificationRow, pageNotifications, unreadCount } from "./db/notifications";
import type { NotificationDeps } from "./deps";
import { renderText } from "./render";

export type Actor = NonNullable<Notification["actor"]>;

/** Profiles of the given users (unknown ones left out), keyed by id. */
export async function actorsById(
  users: NotificationDeps["users"],
  ids: (string | null)[],
): Promise<Map<string, Actor>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const found = new Map<string, Actor>();
  for (let i = 0; i < wanted.length; i += 100) {
    for (const profile of await users.getProfiles(wanted.slice(i, i + 100))) {
      found.set(profile.id, {
        id: profile.id,
        handle: profile.handle,
        displayName: profile.displayName,
        avatarUrl: profile.avatarUrl,
      });
    }
  }
  return found;
}

const StoredSubject = NotificationSubject;

/** A stored row as clients see it. */
export function toNotification(row: NotificationRow, actors: Map<string, Actor>): Notification {
  const type = NotificationType.parse(row.type);
  const subject = StoredSubject.parse(JSON.parse(row.subject));
  const actor = row.actorId ? (actors.get(row.actorId) ?? null) : null;
  const others = Math.max(0, row.actorCount - 1);
  return {
    id: row.id,
    type,
    actor,
    others,
    subject,
    text: renderText(type, actor, others, subject),
    read: row.readAt !== null,
    createdAt: new Date(row.updatedAt).toISOString(),
  };
}

export async function listNotifications(
  deps: Pick<NotificationDeps, "db" | "users">,
  userId: string,
  limit: number,
  cursor: string | undefined,
) {
  const after = cursor ? decodeCursor(KeysetCursor, cursor) : null;
  const [rows, unread] = await Promise.all([
    pageNotifications(deps.db, userId, limit + 1, after),
    unreadCount(deps.db, userId),
  ]);
  const page = pageOf(rows, limit, (row) => ({ at: row.updatedAt, id: row.id }));
  const actors = await actorsById(
    deps.users,
    page.items.map((row) => row.actorId),
  );
  return { items: page.items.map((row) => toNotification(row, actors)), nextCursor: page.nextCursor, unread };
}

export const ReadRequest = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type ReadRequest = z.infer<typeof ReadRequest>;

/** Marks notifications read; ids of other users' notifications are ignored. */
export async function readNotifications(
  db: NotificationsDb,
  userId: string,
  request: ReadRequest,
  now: number,
) {
  const changed = await markRead(db, userId, "all" in request ? "all" : request.ids, now);
  return { changed, unread: await unreadCount(db, userId) };
}
