import { z } from "@hono/zod-openapi";
import { Notification } from "../../../lib/events/live";
import { decodeKey, isUncompressedPoint } from "../../../lib/push/keys";

export const Ticket = z
  .object({ ticket: z.string(), expiresIn: z.number().int().openapi({ example: 30 }) })
  .openapi("ChannelTicket");

/** (Defined with the live event it travels in; shown unnamed in the OpenAPI document.) */
export const NotificationView = Notification;

export const NotificationPage = z
  .object({
    items: z.array(NotificationView),
    nextCursor: z.string().nullable(),
    unread: z.number().int(),
  })
  .openapi("NotificationPage");

export const ReadBody = z
  .union(
    [
      z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }),
      z.strictObject({ all: z.literal(true) }),
    ],
    { error: "either {ids: 1-100 notification ids} or {all: true}" },
  )
  .openapi("ReadNotifications");

export const ReadResult = z
  .object({ changed: z.number().int(), unread: z.number().int() })
  .openapi("ReadResult");

/**
 * The push services of the browsers we deliver to. A subscription elsewhere is refused: the server
 * posts to the endpoint it is given, and must not be turned into a relay to arbitrary hosts.
 */
const PUSH_SERVICE_HOSTS = [
  /^fcm\.googleapis\.com$/,
  /^updates\.push\.services\.mozilla\.com$/,
  /^push\.services\.mozilla\.com$/,
  /^web\.push\.apple\.com$/,
  /^[a-z0-9-]+\.push\.apple\.com$/,
  /^[a-z0-9-]+\.notify\.windows\.com$/,
];

export function isPushServiceUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      // As the browser gives it: normalized (no spaces), and without user:password@.
      url.href === value &&
      url.username === "" &&
      url.password === "" &&
      url.protocol === "https:" &&
      url.port === "" &&
      PUSH_SERVICE_HOSTS.some((host) => host.test(url.hostname))
    );
  } catch {
    return false;
  }
}

const Base64urlKey = (bytes: number, what: string) =>
  z
    .string()
    .max(200)
    .refine((value) => {
      const key = decodeKey(value);
      return key !== null && key.length === bytes && (bytes !== 65 || isUncompressedPoint(key));
    }, `${what}, base64url`);

/** A browser PushSubscription, as `JSON.stringify(subscription)` gives it. */
export const PushSubscriptionBody = z
  .strictObject({
    endpoint: z.string().max(2048).refine(isPushServiceUrl, "an https endpoint of a browser push service"),
    expirationTime: z.number().int().nullable().optional(),
    keys: z.strictObject({
      p256dh: Base64urlKey(65, "a 65-byte uncompressed P-256 public key"),
      auth: Base64urlKey(16, "a 16-byte secret"),
    }),
  })
  .openapi("PushSubscription");

export const SubscriptionCreated = z.object({ id: z.string() }).openapi("PushSubscriptionCreated");
export const SubscriptionIdParam = z.object({ id: z.string().min(1).max(64) });

/** Expo push tokens look like ExponentPushToken[...] (or ExpoPushToken[...]). */
export const ExpoToken = z
  .string()
  .max(200)
  .regex(/^Expo(nent)?PushToken\[[A-Za-z0-9_-]{1,180}\]$/, "an Expo push token: ExponentPushToken[...]");
export const ExpoTokenBody = z.strictObject({ token: ExpoToken }).openapi("ExpoPushToken");
export const ExpoTokenParam = z.object({ token: ExpoToken });

export const VapidKey = z.object({ publicKey: z.string() }).openapi("VapidPublicKey");

export const PublishResultView = z.object({ delivered: z.number().int() });
/** A user id as channels take it (no dots: a ticket is `<userId>.<secret>`). */
export const UserId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a user id");
