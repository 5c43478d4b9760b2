import { isUniqueViolation } from "../../../lib/db";
import { AppError } from "../../../lib/errors";
import { commitWithEvents, type OutboxDeps } from "../../../lib/events/outbox";
import { domainEvent } from "../../../lib/events/publish";
import { newId } from "../../../lib/ids";
import { log } from "../../../lib/logging";
import {
  type AccountRow,
  activateAccount,
  changePasswordStatement,
  deleteAccount,
  deleteStalePendingAccount,
  findAccountByEmail,
  findAccountById,
  insertPendingAccount,
  rehashPassword,
} from "./db/accounts";
import { clearFailedLogins, findLockedUntil, recordFailedLogin } from "./db/login-attempts";
import { hashPassword, spendPasswordCheck, verifyPassword } from "./passwords";
import { LOCKOUT, PENDING_ACCOUNT_TTL_MS } from "./policy";
import type { Login, Registration } from "./schemas";
import {
  type ClientInfo,
  revokeOtherSessions,
  type SessionDeps,
  startSession,
  type TokenPair,
} from "./sessions";

export interface AccountDeps extends SessionDeps {
  users: AuthEnv["USERS"];
  pepper: string;
  /** Where events are stored with the change and sent from (lib/events/outbox.ts). */
  outbox: OutboxDeps;
}

export interface SignedIn extends TokenPair {
  user: { id: string; handle: string; displayName: string };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Registers an account: the account row (pending), then its profile in the users service over RPC,
 * then the account goes active and its first session starts. If the profile cannot be made, the
 * account row is removed again; should even that fail, a pending row signs nobody in and frees its
 * email after PENDING_ACCOUNT_TTL_MS.
 */
export async function register(
  deps: AccountDeps,
  input: Registration,
  client: ClientInfo,
): Promise<SignedIn> {
  const { db, now } = deps;
  const emailNormalized = normalizeEmail(input.email);
  const id = newId("usr");
  const displayName = input.displayName ?? input.handle;
  await deleteStalePendingAccount(db, emailNormalized, now - PENDING_ACCOUNT_TTL_MS);
  try {
    await insertPendingAccount(db, {
      id,
      email: input.email.trim(),
      emailNormalized,
      passwordHash: await hashPassword(input.password, deps.pepper),
      createdAt: now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "an account with this email exists");
    throw error;
  }

  let created: Awaited<ReturnType<AccountDeps["users"]["createProfile"]>>;
  try {
    created = await deps.users.createProfile({ id, handle: input.handle, displayName });
  } catch (error) {
    await undoRegistration(deps, id);
    throw new AppError("unavailable", "accounts cannot be created right now; try again", { cause: error });
  }
  if (!created.ok) {
    await undoRegistration(deps, id);
    throw new AppError("conflict", "this handle is taken");
  }
  await activateAccount(db, id);
  const tokens = await startSession(deps, id, client);
  return {
    user: { id, handle: created.profile.handle, displayName: created.profile.displayName },
    ...tokens,
  };
}

async function undoRegistration(deps: AccountDeps, id: string): Promise<void> {
  try {
    await deleteAccount(deps.db, id);
  } catch (error) {
    // The row stays pending: it signs nobody in and frees its email after PENDING_ACCOUNT_TTL_MS.
    log("warn", "could not remove an unfinished registration", { accountId: id, error: String(error) });
  }
}

const INVALID_CREDENTIALS = "the email or password is wrong";

/**
 * Signs in with email and password. An unknown email and a wrong password get the same answer
 * after the same work; repeated failures lock the email for a while, known or not.
 */
export async function login(deps: AccountDeps, input: Login, client: ClientInfo): Promise<SignedIn> {
  const { db, now } = deps;
  const emailNormalized = normalizeEmail(input.email);
  const lockedUntil = await findLockedUntil(db, emailNormalized);
  if (lockedUntil !== null && lockedUntil > now) throw lockedError(lockedUntil, now);

  const account = await findAccountByEmail(db, emailNormalized);
  const check = await checkPassword(account, input.password, deps.pepper);
  if (!account || !check.matches) {
    const locked = await recordFailedLogin(db, emailNormalized, now, LOCKOUT);
    if (locked !== null && locked > now) throw lockedError(locked, now);
    throw new AppError("invalid_credentials", INVALID_CREDENTIALS);
  }

  await clearFailedLogins(db, emailNormalized);
  if (check.needsRehash)
    await rehashPassword(db, account.id, await hashPassword(input.password, deps.pepper));
  const profile = await deps.users.getProfile(account.id);
  if (!profile)
    throw new AppError("internal", "the account has no profile", { cause: `missing profile ${account.id}` });
  const tokens = await startSession(deps, account.id, client);
  return { user: { id: profile.id, handle: profile.handle, displayName: profile.displayName }, ...tokens };
}

/** Only active accounts sign in; for any other case the same work is spent and nothing matches. */
async function checkPassword(account: AccountRow | undefined, password: string, pepper: string) {
  if (account?.status === "active") return verifyPassword(password, account.passwordHash, pepper);
  await spendPasswordCheck(password, pepper);
  return { matches: false, needsRehash: false };
}

function lockedError(until: number, now: number): AppError {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  return new AppError("rate_limited", "too many failed sign-ins for this email; try again later", {
    headers: { "retry-after": String(seconds) },
  });
}

/** Changes the password after checking the current one, and signs out every other session. */
export async function changePassword(
  deps: AccountDeps,
  userId: string,
  sessionId: string,
  input: { currentPassword: string; newPassword: string },
  traceparent: string,
): Promise<void> {
  const account = await findAccountById(deps.db, userId);
  if (!account) throw new AppError("not_found", "no such account");
  const check = await verifyPassword(input.currentPassword, account.passwordHash, deps.pepper);
  if (!check.matches) throw new AppError("forbidden", "the current password is wrong");
  const passwordHash = await hashPassword(input.newPassword, deps.pepper);
  // The new password and its event in one transaction: the account is told by email (the
  // notifications service), in case it was not its owner, even when the queue is down right now.
  await commitWithEvents(
    deps.outbox,
    [changePasswordStatement(deps.db, userId, passwordHash, deps.now)],
    [domainEvent("account.password_changed", { userId }, { actorId: userId, traceparent })],
    { ifChanged: true },
  );
  await revokeOtherSessions(deps, userId, sessionId, "password_changed");
}

/** The email of an active account, for notices to its owner; null when there is none. */
export async function emailOf(deps: Pick<AccountDeps, "db">, userId: string): Promise<string | null> {
  const account = await findAccountById(deps.db, userId);
  return account?.status === "active" ? account.email : null;
}
