import type { DomainEvent } from "../events/catalog";

/** A W3C traceparent for events and requests made by tests. */
export const TEST_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/**
 * Waits until the test event sink has received events from `queue` that `match` accepts, and
 * returns them (polling KV: the sink stores each message it consumes).
 */
export async function receivedEvents(
  sink: KVNamespace,
  queue: string,
  match: (event: DomainEvent) => boolean,
  { atLeast = 1, timeoutMs = 3000 } = {},
): Promise<DomainEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { keys } = await sink.list({ prefix: `${queue}:` });
    const events = (await Promise.all(keys.map((key) => sink.get<DomainEvent>(key.name, "json"))))
      .filter((event): event is DomainEvent => event !== null)
      .filter(match);
    if (events.length >= atLeast || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
