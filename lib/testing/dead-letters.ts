import type { QueueResult } from "cloudflare:test";
import { expect } from "vitest";

/** One batch through a Worker's queue handler, as a test's `deliver` runs it. */
export interface Delivery {
  /** The ids of the messages in the batch, in order. */
  ids: string[];
  result: QueueResult;
}

export interface DeadLetterOptions {
  /** The consumed queue (the name the dead letters carry). */
  queue: string;
  /** Its dead-letter queue, whose messages the test event sink keeps. */
  deadLetterQueue: string;
  /** The event sink's KV (env.EVENT_SINK). */
  sink: KVNamespace;
  timeoutMs?: number;
}

/**
 * Delivers messages that are not valid events and checks what consumeEvents promises for them:
 * every one is acknowledged at once and none retried, and each reaches the dead-letter queue once,
 * as `{reason: "invalid", queue, body}`. Expects the dead-letter queue empty before the delivery.
 */
export async function expectDeadLettered(
  deliver: (bodies: unknown[]) => Promise<Delivery>,
  bodies: unknown[],
  { queue, deadLetterQueue, sink, timeoutMs = 8000 }: DeadLetterOptions,
): Promise<void> {
  const { ids, result } = await deliver(bodies);

  expect(result.explicitAcks).toEqual(ids);
  expect(result.retryMessages).toEqual([]);
  const letters = await deadLettersIn(sink, deadLetterQueue, bodies.length, timeoutMs);
  expect(letters).toHaveLength(bodies.length);
  expect(letters).toEqual(expect.arrayContaining(bodies.map((body) => ({ reason: "invalid", queue, body }))));
}

/** What the sink has received from `deadLetterQueue`, once it holds `count` letters or time is up. */
async function deadLettersIn(
  sink: KVNamespace,
  deadLetterQueue: string,
  count: number,
  timeoutMs: number,
): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { keys } = await sink.list({ prefix: `${deadLetterQueue}:` });
    if (keys.length >= count || Date.now() > deadline) {
      return Promise.all(keys.map((key) => sink.get(key.name, "json")));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
