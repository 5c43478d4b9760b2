import { eq, inArray } from "drizzle-orm";
import { inChunks, type NotificationsDb } from "./client";
import { onlineUsers } from "./schema";

export async function markOnline(db: NotificationsDb, userId: string, now: number): Promise<void> {
  await db.insert(onlineUsers).values({ userId, since: now }).onConflictDoNothing();
}

export async function markOffline(db: NotificationsDb, userId: string): Promise<void> {
  await db.delete(onlineUsers).where(eq(onlineUsers.userId, userId));
}

/** Whether the user has a live socket open (as their channel last said). */
export async function isOnline(db: NotificationsDb, userId: string): Promise<boolean> {
  const row = await db
    .select({ userId: onlineUsers.userId })
    .from(onlineUsers)
    .where(eq(onlineUsers.userId, userId))
    .get();
  return row !== undefined;
}

/** Which of these users have a live socket open (as their channels last said). */
export async function onlineAmong(db: NotificationsDb, userIds: string[]): Promise<string[]> {
  const [first, ...rest] = inChunks([...new Set(userIds)]).map((chunk) =>
    db.select({ userId: onlineUsers.userId }).from(onlineUsers).where(inArray(onlineUsers.userId, chunk)),
  );
  if (!first) return [];
  return (await db.batch([first, ...rest])).flat().map((row) => row.userId);
}
