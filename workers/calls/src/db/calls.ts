import { and, eq } from "drizzle-orm";
import { statementOf } from "../../../../lib/events/outbox";
import { type CallsDb, callsDb } from "./client";
import { calls } from "./schema";

export type CallRow = typeof calls.$inferSelect;

/** A new call's index row, as a statement to run in a batch with its invitations (the outbox). */
export function insertCallStatement(db: CallsDb, row: CallRow): D1PreparedStatement {
  return statementOf(db.$client, db.insert(calls).values(row));
}

export async function findCall(db: CallsDb, id: string): Promise<CallRow | undefined> {
  return db.query.calls.findFirst({ where: eq(calls.id, id) });
}

/** What a CallRoom writes to the index when its call ends (only a live row changes). */
export interface CallEnding {
  startedAt: number | null;
  endedAt: number;
  endReason: "host" | "empty";
  durationMs: number;
  peakMembers: number;
}

export async function recordCallEnded(d1: D1Database, id: string, ending: CallEnding): Promise<void> {
  await callsDb(d1)
    .update(calls)
    .set({ status: "ended", ...ending })
    .where(and(eq(calls.id, id), eq(calls.status, "live")));
}
