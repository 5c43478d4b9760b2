import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { inChunks, insertInTimeOrder, type TimeOrderedList } from "../db";
import { describeError, log } from "../logging";
import type { DomainEvent } from "./catalog";
import { publishEvents } from "./publish";

/**
 * The transactional outbox (docs/decisions.md, 10): a service writes each event in the same D1
 * batch (one transaction) as the change it describes, sends it after the commit and then deletes
 * its row; `relayOutbox`, from a cron trigger, re-sends the rows a request did not clear. A change
 * is therefore never stored without its event, and an event is delivered at least once.
 *
 * The table is part of each publishing service's drizzle schema (re-export `outbox` from its
 * db/schema.ts), so its migration is generated like every other table.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    /** The event's id (evt_...), which consumers deduplicate on. */
    id: text("id").primaryKey(),
    /** The envelope as sent, JSON. */
    event: text("event").notNull(),
    /** When it was stored, milliseconds since the epoch: the relay takes the oldest first. */
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("outbox_created_idx").on(table.createdAt, table.id)],
);

/** D1 binds at most 100 parameters per statement; each event takes 3. */
const MAX_EVENTS_PER_INSERT = 33;

/**
 * Queues accept at most 100 messages and 256 KB per sendBatch; an envelope is at most ~2 KB (50
 * mentions), so the relay sends this many at a time (also one delete statement's worth of ids).
 */
const RELAY_CHUNK = 90;

/** A drizzle query (insert, update, delete), to run as a plain D1 statement in an outbox batch. */
export interface BuiltQuery {
  toSQL(): { sql: string; params: unknown[] };
}

/** The D1 statement drizzle would run for `query` (the same SQL and encoded parameters). */
export function statementOf(d1: D1Database, query: BuiltQuery): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return d1.prepare(sql).bind(...params);
}

/**
 * Where a change's events carry the time of the row it inserts (`path` in each event that has it,
 * say `$.data.createdAt`), filled in by the outbox insert from that row, in the same transaction:
 * the time is the database's (lib/db.ts insertInTimeOrder), not known before the batch runs.
 */
export interface EventTimeStamp {
  path: string;
  list: TimeOrderedList;
  /** The inserted row's id (in column `list.id`). */
  rowId: string;
}

const JSON_PATH = /^\$(\.[A-Za-z][A-Za-z0-9]*)+$/;

/**
 * One statement storing `events` in the outbox, returning the ids and envelopes it stored. With
 * `ifChanged` the rows are written only when the statement just before it in the batch changed
 * exactly one row: SQLite's changes() counts that statement's own rows (not those its triggers
 * touched) and keeps its value until this statement completes (workers/posts/test/outbox.test.ts
 * checks both). With `stamp`, each envelope gets the inserted row's time at `stamp.path`.
 */
export function outboxInsert(
  d1: D1Database,
  events: readonly DomainEvent[],
  {
    ifChanged = false,
    now = Date.now(),
    stamp,
  }: { ifChanged?: boolean; now?: number; stamp?: EventTimeStamp } = {},
): D1PreparedStatement {
  if (events.length === 0 || events.length > MAX_EVENTS_PER_INSERT) {
    throw new Error(`an outbox insert takes 1 to ${MAX_EVENTS_PER_INSERT} events, not ${events.length}`);
  }
  if (stamp && !JSON_PATH.test(stamp.path)) throw new Error(`not a JSON path to stamp: ${stamp.path}`);
  const rows = events.map((_, i) => `(?${3 * i + 1}, ?${3 * i + 2}, ?${3 * i + 3})`).join(", ");
  const guard = ifChanged ? " WHERE changes() = 1" : "";
  const envelope = stamp
    ? `json_replace(column2, '${stamp.path}', (SELECT ${stamp.list.time} FROM ${stamp.list.table} WHERE ${stamp.list.id} = ?${3 * events.length + 1}))`
    : "column2";
  return d1
    .prepare(
      `INSERT INTO outbox (id, event, created_at)
       SELECT column1, ${envelope}, column3 FROM (VALUES ${rows})${guard} RETURNING id, event`,
    )
    .bind(
      ...events.flatMap((event) => [event.id, JSON.stringify(event), now]),
      ...(stamp ? [stamp.rowId] : []),
    );
}

/** Deletes the outbox rows of events that were sent (one statement per 90 ids, one batch). */
async function clearSent(d1: D1Database, ids: readonly string[]): Promise<void> {
  const statements = inChunks(ids).map((chunk) =>
    d1
      .prepare(`DELETE FROM outbox WHERE id IN (${chunk.map((_, i) => `?${i + 1}`).join(", ")})`)
      .bind(...chunk),
  );
  if (statements.length === 1 && statements[0]) await statements[0].run();
  else if (statements.length > 1) await d1.batch(statements);
}

/**
 * Sends events that are stored in the outbox, then deletes their rows. A failed send is logged and
 * leaves the rows for the relay; it never fails the caller (the change is already stored).
 */
export async function deliverStored(
  d1: D1Database,
  queues: readonly Queue[],
  events: readonly DomainEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const ids = events.map((event) => event.id);
  try {
    await publishEvents(queues, [...events]);
  } catch (error) {
    log("warn", "events not sent; the outbox relay will send them", {
      eventIds: ids.join(","),
      ...describeError(error),
    });
    return;
  }
  try {
    await clearSent(d1, ids);
  } catch (error) {
    // Sent but not cleared: the relay sends them again, and consumers ignore the duplicates.
    log("warn", "sent events not cleared from the outbox", {
      eventIds: ids.join(","),
      ...describeError(error),
    });
  }
}

/** Where a service's outbox lives, where its events go, and how work outlives the response. */
export interface OutboxDeps {
  d1: D1Database;
  queues: readonly Queue[];
  /** ctx.waitUntil where there is an ExecutionContext; without one the caller waits for the send. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

export interface Committed {
  /** Each statement's result, in order: the change's, then the outbox insert's (if any events). */
  results: D1Result[];
  /** The events that were stored (none when `ifChanged` and the change was a no-op). */
  stored: DomainEvent[];
}

/**
 * Runs a change and stores its events in one batch (one transaction), then sends the stored events
 * and clears their rows off the response path. With `ifChanged`, the change's last statement must
 * change exactly one row for the events to be stored (a second like, a follow that exists...).
 * With no events it is just the change; with no change (an invitation that only notifies) storing
 * the events is the write, so their sending survives a failed send like any other.
 */
export async function commitWithEvents(
  deps: OutboxDeps,
  change: readonly D1PreparedStatement[],
  events: readonly DomainEvent[],
  options: { ifChanged?: boolean; stamp?: EventTimeStamp } = {},
): Promise<Committed> {
  if (change.length === 0 && options.ifChanged) {
    throw new Error("ifChanged needs a change statement to look at");
  }
  if (events.length === 0) {
    return { results: change.length > 0 ? await deps.d1.batch([...change]) : [], stored: [] };
  }
  const results = await deps.d1.batch([...change, outboxInsert(deps.d1, events, options)]);
  // What is sent is what was stored (a stamp changed the envelopes), in the order given.
  const storedById = new Map(
    (results.at(-1)?.results ?? []).map((row) => {
      const { id, event } = row as { id: string; event: string };
      return [id, event] as const;
    }),
  );
  const stored = events.flatMap((event) => {
    const envelope = storedById.get(event.id);
    return envelope === undefined ? [] : [JSON.parse(envelope) as DomainEvent];
  });
  const delivery = deliverStored(deps.d1, deps.queues, stored);
  if (deps.waitUntil) deps.waitUntil(delivery);
  else await delivery;
  return { results, stored };
}

/**
 * Stores a new item at the end of its time-ordered list (lib/db.ts insertInTimeOrder: `now`, or a
 * millisecond past the list's newest item) with its events, and returns the time it got
 * (docs/decisions.md, 22). The events are built before the time is known: those that carry it at
 * `timePath` are stored and sent with the stored time.
 */
export async function commitInTimeOrder(
  deps: OutboxDeps,
  list: TimeOrderedList,
  row: Readonly<Record<string, string | number | null>>,
  now: number,
  events: readonly DomainEvent[],
  timePath = "$.data.createdAt",
): Promise<number> {
  const rowId = row[list.id];
  if (typeof rowId !== "string") throw new Error(`commitInTimeOrder: the row has no ${list.id}`);
  const { results } = await commitWithEvents(deps, [insertInTimeOrder(deps.d1, list, row, now)], events, {
    stamp: { path: timePath, list, rowId },
  });
  const at = (results[0]?.results[0] as { at?: unknown } | undefined)?.at;
  if (typeof at !== "number") throw new Error(`commitInTimeOrder: no time came back for ${rowId}`);
  return at;
}

export interface RelayOptions {
  /** Only rows at least this old: younger ones are still being sent by their request. */
  olderThanMs: number;
  /** Rows read per page, oldest first. */
  limit: number;
  /**
   * At most this many pages per run (default 1): the run reads the next page only when the last
   * one was full and all of it was sent, so a backlog left by a queue outage drains in a few runs
   * instead of `limit` rows a minute.
   */
  pages?: number;
  now?: number;
}

export interface RelayResult {
  /** Rows sent and deleted. */
  sent: number;
  /** Rows left because a send failed (the next run tries them again). */
  failed: number;
}

/** The grace and bound the publishing Workers' cron triggers use. */
export const RELAY_DEFAULTS = { olderThanMs: 30_000, limit: 500, pages: 20 } as const;

/**
 * Re-sends what requests left in the outbox (a failed send, an isolate that died before it sent)
 * and deletes each row once sent. Safe beside requests and other runs: a row sent twice is a
 * duplicate that consumers ignore by event id; a row is deleted only after its send succeeded.
 */
export async function relayOutbox(
  d1: D1Database,
  queues: readonly Queue[],
  { olderThanMs, limit, pages = 1, now = Date.now() }: RelayOptions,
): Promise<RelayResult> {
  const result: RelayResult = { sent: 0, failed: 0 };
  for (let page = 0; page < pages; page++) {
    const { sent, failed, full } = await relayPage(d1, queues, now - olderThanMs, limit);
    result.sent += sent;
    result.failed += failed;
    if (!full || failed > 0) break;
  }
  return result;
}

/** One page of the relay: the oldest `limit` rows stored at or before `cutoff`, sent and cleared. */
async function relayPage(
  d1: D1Database,
  queues: readonly Queue[],
  cutoff: number,
  limit: number,
): Promise<RelayResult & { full: boolean }> {
  const { results } = await d1
    .prepare("SELECT id, event FROM outbox WHERE created_at <= ?1 ORDER BY created_at, id LIMIT ?2")
    .bind(cutoff, limit)
    .all<{ id: string; event: string }>();
  const result = { sent: 0, failed: 0, full: results.length === limit };
  for (let i = 0; i < results.length; i += RELAY_CHUNK) {
    const rows = results.slice(i, i + RELAY_CHUNK);
    const ids = rows.map((row) => row.id);
    try {
      await publishEvents(
        queues,
        rows.map((row) => JSON.parse(row.event) as DomainEvent),
      );
    } catch (error) {
      // The queues are likely down: stop here, everything left waits for the next run.
      result.failed = results.length - i;
      log("warn", "outbox relay could not send", { eventIds: ids.join(","), ...describeError(error) });
      break;
    }
    await clearSent(d1, ids);
    result.sent += rows.length;
  }
  return result;
}

/** A cron trigger's run: relayOutbox with RELAY_DEFAULTS, its outcome logged when it did anything. */
export async function relayEvents(d1: D1Database, queues: readonly Queue[]): Promise<RelayResult> {
  const result = await relayOutbox(d1, queues, RELAY_DEFAULTS);
  if (result.sent > 0 || result.failed > 0) {
    log(result.failed > 0 ? "warn" : "info", "outbox relayed", { ...result });
  }
  return result;
}
