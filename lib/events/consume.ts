import { describeError, log } from "../logging";
import { type DomainEvent, DomainEvent as DomainEventSchema } from "./catalog";

interface CommonOptions {
  /** The consuming service, for logs. */
  consumer: string;
  /** Where messages that can never be handled go (the queue's dead-letter queue, as a producer). */
  deadLetters: Queue;
}

/** Errors of the events that could not be handled, by event id; every other event is done. */
export type EventFailures = Map<string, unknown>;

export type ConsumerOptions = CommonOptions &
  (
    | {
        /** Handles one valid event. Must be idempotent on event.id: delivery is at least once. */
        handle(event: DomainEvent): Promise<void>;
      }
    | {
        /**
         * Handles the batch's valid events together, in their order (a consumer that can share work
         * between events, say one call per Durable Object for several of them). Says which failed;
         * if it throws, all of them did. Must be idempotent on event.id.
         */
        handleBatch(events: DomainEvent[]): Promise<EventFailures>;
      }
  );

/** Retries back off: 2, 4, 8... seconds, at most 5 minutes. */
function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}

/** Handles events one after the other, collecting the failures. */
async function handleEach(
  events: DomainEvent[],
  handle: (event: DomainEvent) => Promise<void>,
): Promise<EventFailures> {
  const failures: EventFailures = new Map();
  for (const event of events) {
    try {
      await handle(event);
    } catch (error) {
      failures.set(event.id, error);
    }
  }
  return failures;
}

/**
 * Runs a queue batch: each message is validated against the event catalog. An invalid message is
 * sent to the dead-letter queue at once and acknowledged (retrying cannot fix it, and it must not
 * loop); the valid ones are handled (one at a time, or together with `handleBatch`), and each is
 * acknowledged, or retried with backoff when its handling failed, until the queue's max_retries
 * moves it to the dead-letter queue.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, options: ConsumerOptions): Promise<void> {
  const valid: { message: Message<unknown>; event: DomainEvent }[] = [];
  for (const message of batch.messages) {
    const parsed = DomainEventSchema.safeParse(message.body);
    if (parsed.success) {
      valid.push({ message, event: parsed.data });
      continue;
    }
    log("warn", "invalid event sent to the dead-letter queue", {
      consumer: options.consumer,
      queue: batch.queue,
      messageId: message.id,
      issue: parsed.error.issues[0]?.message,
    });
    await options.deadLetters.send({ reason: "invalid", queue: batch.queue, body: message.body });
    message.ack();
  }
  const events = valid.map(({ event }) => event);
  let failures: EventFailures;
  if ("handleBatch" in options) {
    try {
      failures = await options.handleBatch(events);
    } catch (error) {
      failures = new Map(events.map((event) => [event.id, error]));
    }
  } else {
    failures = await handleEach(events, options.handle);
  }
  for (const { message, event } of valid) {
    if (!failures.has(event.id)) {
      message.ack();
      continue;
    }
    log("error", "event handling failed; will retry", {
      consumer: options.consumer,
      eventId: event.id,
      type: event.type,
      attempts: message.attempts,
      ...describeError(failures.get(event.id)),
    });
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}
