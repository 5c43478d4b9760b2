/**
 * Claims on deliveries, one per (event, user, channel, target). A claim is taken before sending:
 * a delivery that was sent is never sent again, one that failed may be claimed again, and one
 * left pending by a crash is taken over once its claim is stale.
 */

export interface DeliveryKey {
  eventId: string;
  userId: string;
  channel: string;
  target: string;
}

/** A pending claim older than this is taken to be abandoned. */
const STALE_CLAIM_MS = 60_000;

/** True when this caller now owns the delivery and should send it. */
export async function claimDelivery(d1: D1Database, key: DeliveryKey, now: number): Promise<boolean> {
  const row = await d1
    .prepare(
      `INSERT INTO deliveries (event_id, user_id, channel, target, status, updated_at)
       VALUES (?1, ?2, ?3, ?4, 'pending', ?5)
       ON CONFLICT (event_id, user_id, channel, target) DO UPDATE SET status = 'pending', updated_at = excluded.updated_at
       WHERE deliveries.status = 'failed' OR (deliveries.status = 'pending' AND deliveries.updated_at < ?6)
       RETURNING status`,
    )
    .bind(key.eventId, key.userId, key.channel, key.target, now, now - STALE_CLAIM_MS)
    .first();
  return row !== null;
}

export async function settleDelivery(
  d1: D1Database,
  key: DeliveryKey,
  status: "sent" | "failed",
  now: number,
): Promise<void> {
  await d1
    .prepare(
      "UPDATE deliveries SET status = ?5, updated_at = ?6 WHERE event_id = ?1 AND user_id = ?2 AND channel = ?3 AND target = ?4",
    )
    .bind(key.eventId, key.userId, key.channel, key.target, status, now)
    .run();
}

/** How a delivery went: sent, or failed for good (nothing to retry), or failed for now. */
export type DeliveryOutcome = "sent" | "permanent_failure" | "retry";

/**
 * Runs `send` at most once per key. A "retry" outcome (or a throw) releases the claim and fails the
 * event, so the queue retries it and only the deliveries that did not happen run again.
 */
export async function deliverOnce(
  d1: D1Database,
  key: DeliveryKey,
  now: number,
  send: () => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome | "already"> {
  if (!(await claimDelivery(d1, key, now))) return "already";
  let outcome: DeliveryOutcome;
  try {
    outcome = await send();
  } catch (error) {
    await settleDelivery(d1, key, "failed", now);
    throw error;
  }
  await settleDelivery(d1, key, outcome === "retry" ? "failed" : "sent", now);
  if (outcome === "retry") throw new DeliveryError(key);
  return outcome;
}

export class DeliveryError extends Error {
  constructor(readonly key: DeliveryKey) {
    super(`delivery by ${key.channel} to ${key.userId} failed; the event will be retried`);
  }
}
