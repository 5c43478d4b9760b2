import type { NotificationsDb } from "./db/client";
import { contactOf, savePreferences, storedPreferences } from "./db/preferences";
import { effectivePreferences, type PreferencesUpdate } from "./preferences";

/** A user's preferences as the API shows them. */
export async function preferencesOf(db: NotificationsDb, userId: string) {
  const [stored, contact] = await Promise.all([storedPreferences(db, userId), contactOf(db, userId)]);
  return { types: effectivePreferences(stored), phone: contact.phone };
}

export async function updatePreferences(db: NotificationsDb, userId: string, update: PreferencesUpdate) {
  const switches = Object.entries(update.types ?? {}).flatMap(([type, channels]) =>
    Object.entries(channels ?? {})
      .filter((entry): entry is [string, boolean] => typeof entry[1] === "boolean")
      .map(([channel, enabled]) => ({ type, channel, enabled })),
  );
  await savePreferences(db, userId, switches, update.phone);
  return preferencesOf(db, userId);
}
