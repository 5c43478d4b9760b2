import { eq, inArray } from "drizzle-orm";
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

/** D1 binds at most 100 parameters per statement: a long handle list is looked up in chunks. */
const MAX_HANDLES_PER_STATEMENT = 90;

/**
 * The profiles behind these handles (unknown ones are left out, in no particular order): one
 * statement per 90 handles, all in one batch (one round trip).
 */
export async function findProfilesByHandles(
  db: UsersDb,
  handles: string[],
): Promise<Pick<ProfileRow, "id" | "handle" | "displayName" | "avatarUrl">[]> {
  const statements: ReturnType<typeof summariesWithHandleIn>[] = [];
  for (let i = 0; i < handles.length; i += MAX_HANDLES_PER_STATEMENT) {
    statements.push(summariesWithHandleIn(db, handles.slice(i, i + MAX_HANDLES_PER_STATEMENT)));
  }
  const [first, ...rest] = statements;
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
