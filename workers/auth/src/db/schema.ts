import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Times are milliseconds since the epoch. */

/** Events stored with the changes they describe, until sent (lib/events/outbox.ts). */
export { outbox } from "../../../../lib/events/outbox";

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  /** Lower-cased and trimmed: emails are unique case-insensitively. */
  emailNormalized: text("email_normalized").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  /** "pending" until the users service has made the profile; only "active" accounts sign in. */
  status: text("status", { enum: ["pending", "active"] }).notNull(),
  createdAt: integer("created_at").notNull(),
  passwordChangedAt: integer("password_changed_at"),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Last refresh; the idle timeout counts from here. */
    lastUsedAt: integer("last_used_at").notNull(),
    /** Absolute end of the session, whatever its use. */
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason", {
      enum: ["logout", "revoked", "refresh_reuse", "password_changed"],
    }),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (table) => [index("sessions_user_idx").on(table.userId, table.createdAt)],
);

/**
 * One row per refresh token ever issued, by the SHA-256 of the token: the plain token is never
 * stored. A rotated token keeps its row so that its reuse can be recognised.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id").notNull(),
    createdAt: integer("created_at").notNull(),
    rotatedAt: integer("rotated_at"),
  },
  (table) => [index("refresh_tokens_session_idx").on(table.sessionId)],
);

/** Failed sign-ins per email (known or not, so a lockout says nothing about who has an account). */
export const loginAttempts = sqliteTable("login_attempts", {
  emailNormalized: text("email_normalized").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: integer("window_started_at").notNull(),
  lockedUntil: integer("locked_until"),
});
