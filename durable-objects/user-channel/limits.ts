/** The numbers of a user's live channel. */
export const CHANNEL_LIMITS = {
  ticketTtlMs: 30_000,
  /** Devices one user may keep connected at once; the oldest socket makes room for a new one. */
  maxDevices: 10,
  idleTimeoutMs: 90_000,
  sweepEveryMs: 45_000,
  /** A digest that failed is tried again after this long, at most this many times. */
  digestRetryMs: 60_000,
  digestAttempts: 5,
} as const;
