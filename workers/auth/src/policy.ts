/** The numbers of Plaza's sign-in and session rules, in one place. */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A session ends 30 days after sign-in, however much it is used. */
export const SESSION_LIFETIME_MS = 30 * DAY;
/** A session not refreshed for 14 days ends. */
export const SESSION_IDLE_TIMEOUT_MS = 14 * DAY;
/**
 * A rotated refresh token used again within this time is taken for a concurrent refresh (two tabs
 * refreshing at once) and gets a fresh pair; later, it is taken for theft and ends the session.
 */
export const REFRESH_REUSE_GRACE_MS = 10_000;

/** Five wrong passwords for one email within 15 minutes lock it for 15 minutes. */
export const LOCKOUT = { windowMs: 15 * MINUTE, maxFailures: 5, lockMs: 15 * MINUTE } as const;

/** A registration left pending this long (its profile never made) no longer holds its email. */
export const PENDING_ACCOUNT_TTL_MS = 5 * MINUTE;
