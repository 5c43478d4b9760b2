import { z } from "@hono/zod-openapi";
import { NotificationType } from "../../../lib/events/live";

/** Where a notification can go. `push` is every Web Push subscription and Expo token at once. */
export const Channel = z.enum(["inApp", "push", "email", "sms"]);
export type Channel = z.infer<typeof Channel>;

/** The channels each type can use; email and SMS carry only the message digest and account mail. */
export const CHANNELS_BY_TYPE: Record<NotificationType, readonly Channel[]> = {
  follow: ["inApp", "push"],
  like: ["inApp", "push"],
  comment: ["inApp", "push"],
  share: ["inApp", "push"],
  mention: ["inApp", "push"],
  message: ["inApp", "push", "email", "sms"],
  session_invite: ["inApp", "push"],
  call_invite: ["inApp", "push"],
  security: ["inApp", "push", "email", "sms"],
};

/** On unless the user turned it off, except SMS, which a user turns on (it costs them). */
const DEFAULT_ON: Record<Channel, boolean> = { inApp: true, push: true, email: true, sms: false };

export type ChannelSwitches = Partial<Record<Channel, boolean>>;
export type Preferences = Record<NotificationType, ChannelSwitches>;

/** A user's effective preferences: their stored choices over the defaults. */
export function effectivePreferences(
  stored: { type: string; channel: string; enabled: boolean }[],
): Preferences {
  const result = Object.fromEntries(
    NotificationType.options.map((type) => [
      type,
      Object.fromEntries(CHANNELS_BY_TYPE[type].map((channel) => [channel, DEFAULT_ON[channel]])),
    ]),
  ) as Preferences;
  for (const row of stored) {
    const type = NotificationType.safeParse(row.type);
    const channel = Channel.safeParse(row.channel);
    if (!type.success || !channel.success || !CHANNELS_BY_TYPE[type.data].includes(channel.data)) continue;
    result[type.data][channel.data] = row.enabled;
  }
  return result;
}

export function wants(preferences: Preferences, type: NotificationType, channel: Channel): boolean {
  return preferences[type][channel] === true;
}

/** What a type's channel switches look like in a request: only the channels that type has. */
function switchesOf(type: NotificationType) {
  return z.strictObject(
    Object.fromEntries(CHANNELS_BY_TYPE[type].map((channel) => [channel, z.boolean().optional()])) as Record<
      Channel,
      z.ZodOptional<z.ZodBoolean>
    >,
  );
}

const E164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, "an E.164 phone number such as +14155550100");

/** PUT /v1/notifications/preferences: some or all of the types and channels, and the SMS number. */
export const PreferencesUpdate = z
  .strictObject({
    types: z
      .strictObject(
        Object.fromEntries(
          NotificationType.options.map((type) => [type, switchesOf(type).optional()]),
        ) as Record<NotificationType, z.ZodOptional<ReturnType<typeof switchesOf>>>,
      )
      .optional(),
    phone: E164.nullable().optional().openapi({ description: "Where SMS go; null removes it" }),
  })
  .openapi("PreferencesUpdate");
export type PreferencesUpdate = z.infer<typeof PreferencesUpdate>;

export const PreferencesView = z
  .object({
    types: z.record(z.string(), z.record(z.string(), z.boolean())),
    phone: z.string().nullable(),
  })
  .openapi("NotificationPreferences");
