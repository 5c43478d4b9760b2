import { z } from "zod";

/**
 * The numbers of a watch session: sizes, rates and times. The participant cap is the deployment's
 * (WATCH_MAX_PARTICIPANTS, see maxParticipantsFrom).
 */
export const WATCH_LIMITS = {
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
  /** Items a playlist holds: every change sends all of them to everyone, and stores them again. */
  maxQueueItems: 100,
  chat: { burst: 5, perSecond: 1 },
  reactions: { burst: 10, perSecond: 2 },
} as const;

/** How long after a join or departure the room tells everyone, for a room of `sockets` sockets. */
export function presenceDelayMs(sockets: number): number {
  const { minDelayMs, delayMsPerParticipant, maxDelayMs } = WATCH_LIMITS.presence;
  return Math.min(maxDelayMs, Math.max(minDelayMs, sockets * delayMsPerParticipant));
}

/** Participants a session admits when the deployment does not set WATCH_MAX_PARTICIPANTS. */
export const DEFAULT_MAX_PARTICIPANTS = 1000;

/** The most WATCH_MAX_PARTICIPANTS may be: far above what one room was measured at, low enough to catch a slipped digit. */
const MAX_PARTICIPANTS_CEILING = 10_000;

const MaxParticipants = z
  .string()
  .trim()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_PARTICIPANTS_CEILING));

/**
 * The participant cap from the WATCH_MAX_PARTICIPANTS var: 1000 when the var is unset, else a whole
 * number from 1 to 10 000. Anything else throws, so a misconfigured deployment fails on its first
 * session instead of running with no cap (a NaN cap compares false) or a wrong one.
 */
export function maxParticipantsFrom(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_PARTICIPANTS;
  const parsed = MaxParticipants.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `WATCH_MAX_PARTICIPANTS must be a whole number from 1 to ${MAX_PARTICIPANTS_CEILING}, not ${JSON.stringify(value)}`,
    );
  }
  return parsed.data;
}
