import { describeError, log } from "../logging";
import { type DomainEvent, DomainEvent as DomainEventSchema } from "./catalog";

export interface ConsumerOptions {
  /** The consuming service, for logs. */
  consumer: string;
  /** Where messages that can never be handled go (the queue's dead-letter queue, as a producer). */
  deadLetters: Queue;
  /** Handles one valid event. Must be idempotent on event.id: delivery is at least once. */
  handle(event: DomainEvent): Promise<void>;
}

/** Retries back off: 2, 4, 8... seconds, at most 5 minutes. */
function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}

/**
 * Runs a queue batch: each message is validated against the event catalog. An invalid message is
 * sent to the dead-letter queue at once and acknowledged (retrying cannot fix it, and it must not
 * loop); a valid one is handled and acknowledged, or retried with backoff when handling fails, until
 * the queue's max_retries moves it to the dead-letter queue.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, options: ConsumerOptions): Promise<void> {
  for (const message of batch.messages) {
    const parsed = DomainEventSchema.safeParse(message.body);
    if (!parsed.success) {
      log("warn", "invalid event sent to the dead-letter queue", {
        consumer: options.consumer,
        queue: batch.queue,
        messageId: message.id,
        issue: parsed.error.issues[0]?.message,
      });
      await options.deadLetters.send({ reason: "invalid", queue: batch.queue, body: message.body });
      message.ack();
      continue;
    }
    try {
      await options.handle(parsed.data);
      message.ack();
    } catch (error) {
      log("error", "event handling failed; will retry", {
        consumer: options.consumer,
        eventId: parsed.data.id,
        type: parsed.data.type,
        attempts: message.attempts,
        ...describeError(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
