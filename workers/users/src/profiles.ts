import { isUniqueViolation } from "../../../lib/db";
import { AppError } from "../../../lib/errors";
import type { UsersDb } from "./db/client";
import { isFollowing } from "./db/follows";
import {
  deleteProfileRow,
  findProfileByHandle,
  findProfileById,
  findSummaries,
  findSummary,
  insertProfile,
  type ProfileRow,
  updateProfile,
} from "./db/profiles";
import type { NewProfile, Profile, UserSummary } from "./schemas";

export function toSummary(row: Pick<ProfileRow, "id" | "handle" | "displayName" | "avatarUrl">): UserSummary {
  return { id: row.id, handle: row.handle, displayName: row.displayName, avatarUrl: row.avatarUrl };
}

export function toProfile(row: ProfileRow, followedByMe?: boolean): Profile {
  const profile: Profile = {
    ...toSummary(row),
    bio: row.bio,
    followers: row.followersCount,
    following: row.followingCount,
    createdAt: new Date(row.createdAt).toISOString(),
  };
  if (followedByMe !== undefined) profile.followedByMe = followedByMe;
  return profile;
}

/** The profile behind a handle, as the viewer sees it (with followedByMe when signed in). */
export async function profileByHandle(
  db: UsersDb,
  handle: string,
  viewerId: string | null,
): Promise<Profile> {
  const row = await findProfileByHandle(db, handle);
  if (!row) throw new AppError("not_found", `no user @${handle}`);
  if (viewerId === null) return toProfile(row);
  return toProfile(row, viewerId !== row.id && (await isFollowing(db, viewerId, row.id)));
}

export async function ownProfile(db: UsersDb, userId: string): Promise<Profile> {
  const row = await findProfileById(db, userId);
  // A valid token for a user without a profile: the account is gone or was never finished.
  if (!row) throw new AppError("not_found", "this account has no profile");
  return toProfile(row);
}

export interface ProfileChanges {
  displayName?: string | undefined;
  bio?: string | undefined;
  avatarUrl?: string | null | undefined;
}

export async function changeOwnProfile(
  db: UsersDb,
  userId: string,
  changes: ProfileChanges,
  now = Date.now(),
): Promise<Profile> {
  const row = await updateProfile(db, userId, {
    ...(changes.displayName !== undefined && { displayName: changes.displayName }),
    ...(changes.bio !== undefined && { bio: changes.bio }),
    ...(changes.avatarUrl !== undefined && { avatarUrl: changes.avatarUrl }),
    updatedAt: now,
  });
  if (!row) throw new AppError("not_found", "this account has no profile");
  return toProfile(row);
}

export type CreateProfileResult = { ok: true; profile: UserSummary } | { ok: false; reason: "handle_taken" };

/**
 * Makes the profile of a new account. Idempotent on the id, so the auth service may retry a call
 * whose answer it lost; a handle that someone else holds is refused.
 */
export async function createProfile(
  db: UsersDb,
  input: NewProfile,
  now = Date.now(),
): Promise<CreateProfileResult> {
  try {
    await insertProfile(db, { ...input, createdAt: now });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findProfileById(db, input.id);
    if (existing?.handle === input.handle) return { ok: true, profile: toSummary(existing) };
    return { ok: false, reason: "handle_taken" };
  }
  return {
    ok: true,
    profile: { id: input.id, handle: input.handle, displayName: input.displayName, avatarUrl: null },
  };
}

export async function removeProfile(db: UsersDb, userId: string): Promise<void> {
  await deleteProfileRow(db, userId);
}

export async function summariesByIds(db: UsersDb, ids: string[]): Promise<UserSummary[]> {
  return findSummaries(db, "id", [...new Set(ids)]);
}

/** The users behind these handles, each once, in the order first asked; unknown handles are left out. */
export async function summariesByHandles(db: UsersDb, handles: string[]): Promise<UserSummary[]> {
  const unique = [...new Set(handles)];
  const byHandle = new Map((await findSummaries(db, "handle", unique)).map((row) => [row.handle, row]));
  return unique.flatMap((handle) => {
    const row = byHandle.get(handle);
    return row ? [row] : [];
  });
}

export async function summaryById(db: UsersDb, id: string): Promise<UserSummary | null> {
  return findSummary(db, "id", id);
}

export async function summaryByHandle(db: UsersDb, handle: string): Promise<UserSummary | null> {
  return findSummary(db, "handle", handle);
}
