import { eq, sql } from "drizzle-orm";
import type { AuthDb } from "./client";
import { loginAttempts } from "./schema";

export async function findLockedUntil(db: AuthDb, emailNormalized: string): Promise<number | null> {
  const row = await db.query.loginAttempts.findFirst({
    where: eq(loginAttempts.emailNormalized, emailNormalized),
  });
  return row?.lockedUntil ?? null;
}

/**
 * Counts one failed sign-in in a single statement (safe under concurrent attempts): a new window
 * starts when the last one is over; reaching `maxFailures` in a window locks until now + lockMs.
 */
export async function recordFailedLogin(
  db: AuthDb,
  emailNormalized: string,
  now: number,
  policy: { windowMs: number; maxFailures: number; lockMs: number },
): Promise<number | null> {
  const windowOver = sql`${loginAttempts.windowStartedAt} < ${now - policy.windowMs}`;
  const failures = sql`CASE WHEN ${windowOver} THEN 1 ELSE ${loginAttempts.failures} + 1 END`;
  const [row] = await db
    .insert(loginAttempts)
    .values({ emailNormalized, failures: 1, windowStartedAt: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: loginAttempts.emailNormalized,
      set: {
        failures,
        windowStartedAt: sql`CASE WHEN ${windowOver} THEN ${now} ELSE ${loginAttempts.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN ${failures} >= ${policy.maxFailures} THEN ${now + policy.lockMs} ELSE ${loginAttempts.lockedUntil} END`,
      },
    })
    .returning({ lockedUntil: loginAttempts.lockedUntil });
  return row?.lockedUntil ?? null;
}

export async function clearFailedLogins(db: AuthDb, emailNormalized: string): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.emailNormalized, emailNormalized));
}
