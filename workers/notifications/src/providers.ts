import { log } from "../../../lib/logging";
import { type VapidKeys, vapidKeysFrom } from "../../../lib/push/vapid";

/**
 * The delivery channels' providers, from this Worker's secrets and vars. A channel whose keys are
 * missing is off (null): deliveries skip it with a log line, and nothing else fails.
 */
export interface Providers {
  webPush: VapidKeys | null;
  expo: ExpoConfig;
  email: EmailConfig | null;
  sms: SmsConfig | null;
}

export interface ExpoConfig {
  sendUrl: string;
  receiptsUrl: string;
  /** Only needed when the Expo project enforces push security. */
  accessToken: string | null;
  /** Receipts are fetched this long after sending (Expo suggests 15 minutes). */
  receiptDelayMs: number;
}

/** Email through Resend's HTTP API (https://resend.com/docs/api-reference/emails/send-email). */
export interface EmailConfig {
  provider: "resend";
  url: string;
  apiKey: string;
  from: string;
}

/** SMS through Twilio's Messages API. */
export interface SmsConfig {
  accountSid: string;
  authToken: string;
  from: string;
}

export const EXPO_SEND_URL = "https://exp.host/--/api/v2/push/send";
export const EXPO_RECEIPTS_URL = "https://exp.host/--/api/v2/push/getReceipts";
export const RESEND_URL = "https://api.resend.com/emails";

/** A secret or var by name: secrets are not in the generated Env unless required. */
function setting(env: NotificationsEnv, name: string): string | undefined {
  const value: unknown = Reflect.get(env, name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function providersOf(env: NotificationsEnv): Providers {
  return {
    webPush: vapidKeysFrom(
      setting(env, "VAPID_PUBLIC_KEY"),
      setting(env, "VAPID_PRIVATE_KEY"),
      setting(env, "VAPID_SUBJECT"),
    ),
    expo: {
      sendUrl: EXPO_SEND_URL,
      receiptsUrl: EXPO_RECEIPTS_URL,
      accessToken: setting(env, "EXPO_ACCESS_TOKEN") ?? null,
      receiptDelayMs: Number(setting(env, "EXPO_RECEIPT_DELAY_SECONDS") ?? 900) * 1000,
    },
    email: emailConfig(env),
    sms: smsConfig(env),
  };
}

function emailConfig(env: NotificationsEnv): EmailConfig | null {
  const provider = setting(env, "EMAIL_PROVIDER") ?? "resend";
  const apiKey = setting(env, "RESEND_API_KEY");
  const from = setting(env, "EMAIL_FROM");
  if (provider !== "resend" || !apiKey || !from) return null;
  return { provider, url: RESEND_URL, apiKey, from };
}

function smsConfig(env: NotificationsEnv): SmsConfig | null {
  const accountSid = setting(env, "TWILIO_ACCOUNT_SID");
  const authToken = setting(env, "TWILIO_AUTH_TOKEN");
  const from = setting(env, "TWILIO_FROM");
  if (!accountSid || !authToken || !from) return null;
  return { accountSid, authToken, from };
}

/** The log line for a delivery skipped because its channel has no provider configured. */
export function channelOff(channel: "web_push" | "email" | "sms", userId: string, why: string): void {
  log("warn", "notification channel disabled", { channel, userId, why });
}
