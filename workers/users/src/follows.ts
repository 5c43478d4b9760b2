import { AppError } from "../../../lib/errors";
import { commitWithEvents, type OutboxDeps } from "../../../lib/events/outbox";
import { domainEvent, type EventContext } from "../../../lib/events/publish";
import { decodeCursor, KeysetCursor, pageOf } from "../../../lib/pagination";
import type { UsersDb } from "./db/client";
import {
  type Direction,
  deleteFollowStatement,
  insertFollowStatement,
  pageFollowEdges,
  pageFollowProfiles,
} from "./db/follows";
import { findProfileByHandle } from "./db/profiles";
import { toSummary } from "./profiles";
import type { UserSummary } from "./schemas";

async function userIdOf(db: UsersDb, handle: string): Promise<string> {
  const row = await findProfileByHandle(db, handle);
  if (!row) throw new AppError("not_found", `no user @${handle}`);
  return row.id;
}

export interface FollowDeps {
  db: UsersDb;
  /** Where follows are stored with their events, and where those events go (lib/events/outbox.ts). */
  outbox: OutboxDeps;
  events: EventContext;
  now: number;
}

/**
 * Follows the user behind the handle; following someone twice changes nothing (and says nothing).
 * The follow and its event are stored in one transaction; the event is sent after it.
 */
export async function follow(deps: FollowDeps, followerId: string, handle: string): Promise<void> {
  const followeeId = await userIdOf(deps.db, handle);
  if (followeeId === followerId) throw new AppError("bad_request", "you cannot follow yourself");
  await commitWithEvents(
    deps.outbox,
    [insertFollowStatement(deps.db, followerId, followeeId, deps.now)],
    [domainEvent("user.followed", { followerId, followeeId }, deps.events)],
    { ifChanged: true },
  );
}

export async function unfollow(deps: FollowDeps, followerId: string, handle: string): Promise<void> {
  const followeeId = await userIdOf(deps.db, handle);
  await commitWithEvents(
    deps.outbox,
    [deleteFollowStatement(deps.db, followerId, followeeId)],
    [domainEvent("user.unfollowed", { followerId, followeeId }, deps.events)],
    { ifChanged: true },
  );
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function cursorOf(edge: { followedAt: number; id: string }): KeysetCursor {
  return { at: edge.followedAt, id: edge.id };
}

/** A page of the followers (or followings) of the user behind a handle, newest first. */
export async function listFollowPage(
  db: UsersDb,
  handle: string,
  direction: Direction,
  limit: number,
  cursor: string | undefined,
): Promise<Page<UserSummary>> {
  const userId = await userIdOf(db, handle);
  const after = cursor ? decodeCursor(KeysetCursor, cursor) : null;
  const rows = await pageFollowProfiles(db, userId, direction, limit + 1, after);
  const page = pageOf(rows, limit, (row) => cursorOf(row));
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
}

/** The ids of a user's followers, in pages, for services that fan out to them. */
export async function followerIdsPage(
  db: UsersDb,
  userId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<string>> {
  const after = cursor ? decodeCursor(KeysetCursor, cursor) : null;
  const rows = await pageFollowEdges(db, userId, "followers", limit + 1, after);
  const page = pageOf(rows, limit, (row) => cursorOf({ followedAt: row.followedAt, id: row.userId }));
  return { items: page.items.map((row) => row.userId), nextCursor: page.nextCursor };
}
