/** The numbers of a call room: sizes, rates and times. */
export const CALL_LIMITS = {
  ticketTtlMs: 30_000,
  idleTimeoutMs: 45_000,
  sweepEveryMs: 20_000,
  /** How long a call may stay empty (nobody ever joined, or everyone left) before it ends itself. */
  emptyGraceMs: 120_000,
  /** A call nobody has joined yet waits longer: invitees need time to answer. */
  unstartedGraceMs: 15 * 60_000,
  /** Per member: ICE candidates come in bursts while a connection is set up. */
  signals: { burst: 120, perSecond: 60 },
  /** Per member: media and hand changes. */
  updates: { burst: 10, perSecond: 4 },
} as const;
