import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Events stored with the changes they describe, until sent (lib/events/outbox.ts). */
export { outbox } from "../../../../lib/events/outbox";

/**
 * The index of calls; each call's live state (members, tickets, SFU tracks) is in its CallRoom
 * object (which also keeps who was invited), and the object writes the ending back here.
 */
export const calls = sqliteTable(
  "calls",
  {
    id: text("id").primaryKey(),
    title: text("title"),
    hostId: text("host_id").notNull(),
    mode: text("mode", { enum: ["mesh", "sfu"] }).notNull(),
    inviteCode: text("invite_code").notNull(),
    status: text("status", { enum: ["live", "ended"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    /** When the first member joined (null while nobody has). */
    startedAt: integer("started_at"),
    endedAt: integer("ended_at"),
    /** Why it ended: the host ended it, or it stayed empty past the grace period. */
    endReason: text("end_reason", { enum: ["host", "empty"] }),
    /** From the first join to the last member leaving (0 when nobody ever joined). */
    durationMs: integer("duration_ms"),
    /** The most members present at once. */
    peakMembers: integer("peak_members").notNull().default(0),
  },
  (table) => [index("calls_host_idx").on(table.hostId, table.createdAt)],
);
