import { and, eq, lt } from "drizzle-orm";
import { statementOf } from "../../../../lib/events/outbox";
import type { AuthDb } from "./client";
import { accounts } from "./schema";

export type AccountRow = typeof accounts.$inferSelect;

export async function findAccountByEmail(
  db: AuthDb,
  emailNormalized: string,
): Promise<AccountRow | undefined> {
  return db.query.accounts.findFirst({ where: eq(accounts.emailNormalized, emailNormalized) });
}

export async function findAccountById(db: AuthDb, id: string): Promise<AccountRow | undefined> {
  return db.query.accounts.findFirst({ where: eq(accounts.id, id) });
}

export async function insertPendingAccount(
  db: AuthDb,
  row: Pick<AccountRow, "id" | "email" | "emailNormalized" | "passwordHash" | "createdAt">,
): Promise<void> {
  await db.insert(accounts).values({ ...row, status: "pending" });
}

/** Frees the email of a registration that never finished (its profile was not made). */
export async function deleteStalePendingAccount(
  db: AuthDb,
  emailNormalized: string,
  olderThan: number,
): Promise<void> {
  await db
    .delete(accounts)
    .where(
      and(
        eq(accounts.emailNormalized, emailNormalized),
        eq(accounts.status, "pending"),
        lt(accounts.createdAt, olderThan),
      ),
    );
}

export async function activateAccount(db: AuthDb, id: string): Promise<void> {
  await db.update(accounts).set({ status: "active" }).where(eq(accounts.id, id));
}

export async function deleteAccount(db: AuthDb, id: string): Promise<void> {
  await db.delete(accounts).where(eq(accounts.id, id));
}

/** A stronger hash of the same password (a sign-in that found the old one out of date). */
export async function rehashPassword(db: AuthDb, id: string, passwordHash: string): Promise<void> {
  await db.update(accounts).set({ passwordHash }).where(eq(accounts.id, id));
}

/** A new password, as a statement to run in a batch with the event it makes (the outbox). */
export function changePasswordStatement(
  db: AuthDb,
  id: string,
  passwordHash: string,
  changedAt: number,
): D1PreparedStatement {
  return statementOf(
    db.$client,
    db.update(accounts).set({ passwordHash, passwordChangedAt: changedAt }).where(eq(accounts.id, id)),
  );
}
