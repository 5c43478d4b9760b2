import type { DomainEvent } from "../events/catalog";

export interface OutboxRow {
  id: string;
  event: DomainEvent;
  createdAt: number;
}

/** What a service's outbox holds now (lib/events/outbox.ts), oldest first, envelopes parsed. */
export async function outboxRows(d1: D1Database): Promise<OutboxRow[]> {
  const { results } = await d1
    .prepare("SELECT id, event, created_at FROM outbox ORDER BY created_at, id")
    .all<{ id: string; event: string; created_at: number }>();
  return results.map((row) => ({
    id: row.id,
    event: JSON.parse(row.event) as DomainEvent,
    createdAt: row.created_at,
  }));
}
