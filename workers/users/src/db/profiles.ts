import { eq } from "drizzle-orm";
import { allRows, inChunks, placeholders } from "../../../../lib/db";
import type { UsersDb } from "./client";
import { profiles } from "./schema";

export type ProfileRow = typeof profiles.$inferSelect;

export async function findProfileByHandle(db: UsersDb, handle: string): Promise<ProfileRow | undefined> {
  return db.query.profiles.findFirst({ where: eq(profiles.handle, handle) });
}

export async function findProfileById(db: UsersDb, id: string): Promise<ProfileRow | undefined> {
  return db.query.profiles.findFirst({ where: eq(profiles.id, id) });
}

/**
 * The summary reads (id, handle, name, avatar) answer the posts service's authors and the
 * notifications service's mentions: written as SQL once rather than built by drizzle per call,
 * which was about a seventh of the users isolate's CPU in bench/social's mix (docs/decisions.md,
 * entry 12). The columns are the `profiles` table's (schema.ts); `summaryOf` maps them.
 */
const SELECT_SUMMARY = "SELECT id, handle, display_name, avatar_url FROM profiles";

type RawSummary = { id: string; handle: string; display_name: string; avatar_url: string | null };

export type SummaryRow = Pick<ProfileRow, "id" | "handle" | "displayName" | "avatarUrl">;

function summaryOf(raw: RawSummary): SummaryRow {
  return { id: raw.id, handle: raw.handle, displayName: raw.display_name, avatarUrl: raw.avatar_url };
}

/** The key a summary is looked up by (a unique column). */
export type SummaryKey = "id" | "handle";

/** The summary of the profile with this id or handle. */
export async function findSummary(db: UsersDb, by: SummaryKey, value: string): Promise<SummaryRow | null> {
  const raw = await db.$client.prepare(`${SELECT_SUMMARY} WHERE ${by} = ?1`).bind(value).first<RawSummary>();
  return raw ? summaryOf(raw) : null;
}

/**
 * The summaries of the profiles with these ids or handles (unknown ones are left out, in no
 * particular order): one statement per 90 values, all in one batch (one round trip).
 */
export async function findSummaries(db: UsersDb, by: SummaryKey, values: string[]): Promise<SummaryRow[]> {
  const d1 = db.$client;
  const statements = inChunks(values).map((chunk) =>
    d1.prepare(`${SELECT_SUMMARY} WHERE ${by} IN (${placeholders(chunk.length)})`).bind(...chunk),
  );
  return (await allRows<RawSummary>(d1, statements)).map(summaryOf);
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
