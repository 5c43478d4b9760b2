import { newId } from "../ids";
import type { DomainEvent, EventData, EventType } from "./catalog";

export interface EventContext {
  actorId: string;
  traceparent: string;
}

/** A new event envelope: a fresh id and the time now. */
export function domainEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  context: EventContext,
): DomainEvent {
  return {
    id: newId("evt"),
    type,
    occurredAt: new Date().toISOString(),
    actorId: context.actorId,
    data,
    traceparent: context.traceparent,
  } as DomainEvent;
}

/**
 * Sends events to every consuming service's queue (one queue per consumer, each with its own
 * dead-letter queue; consumers ignore types they do not handle). Call it after the change the
 * events describe is stored: delivery is at least once from here on.
 */
export async function publishEvents(queues: readonly Queue[], events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  const messages = events.map((body) => ({ body, contentType: "json" as const }));
  await Promise.all(queues.map((queue) => queue.sendBatch(messages)));
}
