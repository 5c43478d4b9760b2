import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import type { DomainEvent } from "../events/catalog";
import { outboxInsert } from "../events/outbox";
import { receivedEvents } from "./events";

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

/** A service's Hono app, as the runtime calls it. */
interface App<E> {
  fetch(request: Request, env: E, ctx: ExecutionContext): Response | Promise<Response>;
}

/**
 * A request through a service's app with some of its bindings replaced (a failing queue, say),
 * waiting for what it left running after the response (the outbox's send and clean-up).
 * `env` is the test's env (cloudflare:workers), which holds the service's bindings.
 */
export async function throughApp<E>(app: App<E>, env: object, req: Request, bindings: Partial<E> = {}) {
  const ctx = createExecutionContext();
  const response = await app.fetch(req, { ...env, ...bindings } as E, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Makes outbox rows look a minute older, past the relay's grace period (30 s). */
export async function ageOutboxRows(d1: D1Database, ids: readonly string[], byMs = 60_000): Promise<void> {
  if (ids.length === 0) return;
  await d1.batch(
    ids.map((id) => d1.prepare("UPDATE outbox SET created_at = created_at - ? WHERE id = ?").bind(byMs, id)),
  );
}

export interface RelayCheck {
  d1: D1Database;
  /** The test event sink (env.EVENT_SINK) and the queue whose copies it keeps. */
  sink: KVNamespace;
  queue: string;
  /** Runs the Worker's per-minute cron ("* * * * *"). */
  runCron: () => Promise<void>;
  /** An event of the service's kind; called twice, with "old" and "fresh". */
  makeEvent: (tag: "old" | "fresh") => DomainEvent;
}

/**
 * Checks a publishing Worker's relay cron: an outbox row a minute old is sent and cleared, a row
 * stored just now is left to the request that is still sending it.
 */
export async function expectRelayTakesOnlyOldRows(check: RelayCheck): Promise<void> {
  const old = check.makeEvent("old");
  const fresh = check.makeEvent("fresh");
  const now = Date.now();
  await check.d1.batch([
    outboxInsert(check.d1, [old], { now: now - 60_000 }),
    outboxInsert(check.d1, [fresh], { now }),
  ]);

  await check.runCron();

  const left = new Set((await outboxRows(check.d1)).map((row) => row.id));
  expect(left.has(old.id)).toBe(false);
  expect(left.has(fresh.id)).toBe(true);
  expect(await receivedEvents(check.sink, check.queue, (event) => event.id === old.id)).toEqual([old]);
}
