import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import type { Delivery } from "./dead-letters";

/**
 * A Queue binding whose every call fails, as during a Queues outage: put it in place of a real
 * producer binding (`{ ...env, FEED_EVENTS: failingQueue() }`) to test what a producer does when it
 * cannot send. It counts the attempts, so a test can tell a send was tried.
 */
export function failingQueue(): Queue & { attempts: number } {
  const queue = {
    attempts: 0,
    async send(): Promise<QueueSendResponse> {
      queue.attempts += 1;
      throw new Error("queue unavailable (test)");
    },
    async sendBatch(): Promise<QueueSendBatchResponse> {
      queue.attempts += 1;
      throw new Error("queue unavailable (test)");
    },
    async metrics(): Promise<QueueMetrics> {
      throw new Error("queue unavailable (test)");
    },
  };
  return queue;
}

let messageCounter = 0;

/**
 * Runs a Worker's queue handler on message bodies as its queue would deliver them (one batch, each
 * message on its first attempt) and returns the messages' ids with what the handler acknowledged
 * and retried. `runEnv` is the Worker's env (a test may swap bindings in it).
 */
export async function deliverBatch<E>(
  queue: string,
  handler: (batch: MessageBatch<unknown>, env: E) => Promise<void>,
  bodies: unknown[],
  runEnv: E,
): Promise<Delivery> {
  const messages = bodies.map((body) => {
    messageCounter += 1;
    return { id: `msg-${messageCounter}`, timestamp: new Date(), attempts: 1, body };
  });
  const batch = createMessageBatch(queue, messages);
  const ctx = createExecutionContext();
  await handler(batch, runEnv);
  return { ids: messages.map((message) => message.id), result: await getQueueResult(batch, ctx) };
}

/**
 * Retries `check` until it stops throwing (or throws its last error after `timeoutMs`): events
 * travel through real queues, so their effects show up a moment after what published them.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
