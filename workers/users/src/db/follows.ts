import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import { statementOf } from "../../../../lib/events/outbox";
import type { KeysetCursor } from "../../../../lib/pagination";
import type { UsersDb } from "./client";
import { follows, profiles } from "./schema";

/**
 * The statement inserting the follow unless it exists (then it changes no row); the triggers of
 * migration 0001 keep the counts. Its time is `now`, or a millisecond past the newest edge of
 * either user's list when that is not before `now` (docs/decisions.md, 22): both lists keep the
 * order the follows were made in. The statement reads those times itself, so follows written at
 * once get distinct times too (D1 runs one statement at a time): lib/db.ts insertInTimeOrder does
 * the same for rows of one list.
 */
export function insertFollowStatement(
  db: UsersDb,
  followerId: string,
  followeeId: string,
  now: number,
): D1PreparedStatement {
  return statementOf(
    db.$client,
    db
      .insert(follows)
      .values({
        followerId,
        followeeId,
        createdAt: sql`max(${now},
          coalesce((SELECT max(created_at) FROM follows WHERE followee_id = ${followeeId}) + 1, 0),
          coalesce((SELECT max(created_at) FROM follows WHERE follower_id = ${followerId}) + 1, 0))`,
      })
      .onConflictDoNothing(),
  );
}

/** The statement removing the follow (it changes no row when there is none). */
export function deleteFollowStatement(
  db: UsersDb,
  followerId: string,
  followeeId: string,
): D1PreparedStatement {
  return statementOf(
    db.$client,
    db.delete(follows).where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId))),
  );
}

export async function isFollowing(db: UsersDb, followerId: string, followeeId: string): Promise<boolean> {
  const row = await db
    .select({ one: follows.createdAt })
    .from(follows)
    .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
    .limit(1);
  return row.length > 0;
}

export type Direction = "followers" | "following";

export interface FollowEdge {
  /** The user on the other side of the edge (the follower, or the one followed). */
  userId: string;
  followedAt: number;
}

/** Which column is "this user" and which is "the other one", and the keyset condition after a cursor. */
function edgesOf(userId: string, direction: Direction, after: KeysetCursor | null) {
  const self = direction === "followers" ? follows.followeeId : follows.followerId;
  const other = direction === "followers" ? follows.followerId : follows.followeeId;
  const conditions: (SQL | undefined)[] = [eq(self, userId)];
  if (after) {
    conditions.push(
      or(lt(follows.createdAt, after.at), and(eq(follows.createdAt, after.at), lt(other, after.id))),
    );
  }
  return { other, where: and(...conditions), order: [desc(follows.createdAt), desc(other)] };
}

/**
 * One keyset page of a user's followers or followings, newest first. The cursor is the last edge's
 * (time, other id): rows inserted meanwhile sort before it, so pages neither skip nor repeat.
 */
export async function pageFollowEdges(
  db: UsersDb,
  userId: string,
  direction: Direction,
  limit: number,
  after: KeysetCursor | null,
): Promise<FollowEdge[]> {
  const { other, where, order } = edgesOf(userId, direction, after);
  return db
    .select({ userId: other, followedAt: follows.createdAt })
    .from(follows)
    .where(where)
    .orderBy(...order)
    .limit(limit);
}

/** The same page joined with each user's profile, for the public lists. */
export async function pageFollowProfiles(
  db: UsersDb,
  userId: string,
  direction: Direction,
  limit: number,
  after: KeysetCursor | null,
) {
  const { other, where, order } = edgesOf(userId, direction, after);
  return db
    .select({
      id: profiles.id,
      handle: profiles.handle,
      displayName: profiles.displayName,
      avatarUrl: profiles.avatarUrl,
      followedAt: follows.createdAt,
    })
    .from(follows)
    .innerJoin(profiles, eq(profiles.id, other))
    .where(where)
    .orderBy(...order)
    .limit(limit);
}
