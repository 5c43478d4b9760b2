/** The numbers of a watch session: sizes, rates and times. */
export const WATCH_LIMITS = {
  maxParticipants: 1000,
  ticketTtlMs: 30_000,
  idleTimeoutMs: 60_000,
  sweepEveryMs: 30_000,
  indexSyncDelayMs: 1_000,
  welcomeChat: 50,
  chat: { burst: 5, perSecond: 1 },
  reactions: { burst: 10, perSecond: 2 },
} as const;
