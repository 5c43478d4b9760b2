import { eq } from "drizzle-orm";
import type { NotificationsDb } from "./client";
import { contacts, preferences } from "./schema";

export async function storedPreferences(db: NotificationsDb, userId: string) {
  return db
    .select({ type: preferences.type, channel: preferences.channel, enabled: preferences.enabled })
    .from(preferences)
    .where(eq(preferences.userId, userId));
}

/** Saves some switches and, when given, the phone number, in one batch. */
export async function savePreferences(
  db: NotificationsDb,
  userId: string,
  switches: { type: string; channel: string; enabled: boolean }[],
  phone: string | null | undefined,
): Promise<void> {
  const writes = switches.map((s) =>
    db
      .insert(preferences)
      .values({ userId, ...s })
      .onConflictDoUpdate({
        target: [preferences.userId, preferences.type, preferences.channel],
        set: { enabled: s.enabled },
      }),
  );
  const phoneWrite =
    phone === undefined
      ? []
      : [
          db
            .insert(contacts)
            .values({ userId, phone })
            .onConflictDoUpdate({ target: contacts.userId, set: { phone } }),
        ];
  const all = [...writes, ...phoneWrite];
  const [first, ...rest] = all;
  if (first) await db.batch([first, ...rest]);
}

export async function contactOf(db: NotificationsDb, userId: string) {
  return (
    (await db.select().from(contacts).where(eq(contacts.userId, userId)).get()) ?? {
      userId,
      phone: null,
      digestedUntil: 0,
    }
  );
}

export async function setDigestedUntil(db: NotificationsDb, userId: string, until: number): Promise<void> {
  await db
    .insert(contacts)
    .values({ userId, digestedUntil: until })
    .onConflictDoUpdate({ target: contacts.userId, set: { digestedUntil: until } });
}
