/** The numbers of a watch session: sizes, rates and times. */
export const WATCH_LIMITS = {
  maxParticipants: 1000,
  ticketTtlMs: 30_000,
  idleTimeoutMs: 60_000,
  sweepEveryMs: 30_000,
  indexSyncDelayMs: 1_000,
  /**
   * Joins and departures are told to everyone in one `presence` frame per burst, sent this long
   * after the first change: 1 ms per participant, at least 100 ms and at most 1 s (a frame lists
   * everyone, so a bigger room waits longer between them). See presenceDelayMs().
   */
  presence: { minDelayMs: 100, delayMsPerParticipant: 1, maxDelayMs: 1_000 },
  welcomeChat: 50,
  chat: { burst: 5, perSecond: 1 },
  reactions: { burst: 10, perSecond: 2 },
} as const;

/** How long after a join or departure the room tells everyone, for a room of `sockets` sockets. */
export function presenceDelayMs(sockets: number): number {
  const { minDelayMs, delayMsPerParticipant, maxDelayMs } = WATCH_LIMITS.presence;
  return Math.min(maxDelayMs, Math.max(minDelayMs, sockets * delayMsPerParticipant));
}
