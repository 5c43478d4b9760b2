import { eq, inArray } from "drizzle-orm";
import { inChunks } from "../../../../lib/db";
import type { UsersDb } from "./client";
import { profiles } from "./schema";

export type ProfileRow = typeof profiles.$inferSelect;

export async function findProfileByHandle(db: UsersDb, handle: string): Promise<ProfileRow | undefined> {
  return db.query.profiles.findFirst({ where: eq(profiles.handle, handle) });
}

export async function findProfileById(db: UsersDb, id: string): Promise<ProfileRow | undefined> {
  return db.query.profiles.findFirst({ where: eq(profiles.id, id) });
}

export async function findProfilesByIds(db: UsersDb, ids: string[]): Promise<ProfileRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(profiles).where(inArray(profiles.id, ids));
}

/**
 * The profiles behind these handles (unknown ones are left out, in no particular order): one
 * statement per 90 handles, all in one batch (one round trip).
 */
export async function findProfilesByHandles(
  db: UsersDb,
  handles: string[],
): Promise<Pick<ProfileRow, "id" | "handle" | "displayName" | "avatarUrl">[]> {
  const [first, ...rest] = inChunks(handles).map((chunk) => summariesWithHandleIn(db, chunk));
  if (!first) return [];
  return (await db.batch([first, ...rest])).flat();
}

function summariesWithHandleIn(db: UsersDb, handles: string[]) {
  const { id, handle, displayName, avatarUrl } = profiles;
  return db.select({ id, handle, displayName, avatarUrl }).from(profiles).where(inArray(handle, handles));
}

export async function insertProfile(
  db: UsersDb,
  row: Pick<ProfileRow, "id" | "handle" | "displayName" | "createdAt">,
): Promise<void> {
  await db.insert(profiles).values({ ...row, updatedAt: row.createdAt });
}

export async function updateProfile(
  db: UsersDb,
  id: string,
  changes: Partial<Pick<ProfileRow, "displayName" | "bio" | "avatarUrl">> & { updatedAt: number },
): Promise<ProfileRow | undefined> {
  const [row] = await db.update(profiles).set(changes).where(eq(profiles.id, id)).returning();
  return row;
}

export async function deleteProfileRow(db: UsersDb, id: string): Promise<void> {
  await db.delete(profiles).where(eq(profiles.id, id));
}

/** How many followers a user has (kept exact by triggers); null for an unknown user. */
export async function followersCountOf(db: UsersDb, id: string): Promise<number | null> {
  const row = await db.$client
    .prepare("SELECT followers_count AS n FROM profiles WHERE id = ?")
    .bind(id)
    .first<{ n: number }>();
  return row ? row.n : null;
}
