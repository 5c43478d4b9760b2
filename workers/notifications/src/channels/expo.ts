import { z } from "zod";
import { log } from "../../../../lib/logging";
import type { ExpoConfig } from "../providers";

/** Expo accepts at most 100 messages per request to /push/send. */
export const EXPO_BATCH = 100;
/** ...and at most 1000 ids per request to /push/getReceipts. */
export const EXPO_RECEIPT_BATCH = 1000;

export interface ExpoMessage {
  to: string;
  title: string;
  body: string;
  data: Record<string, string | null>;
  sound: "default";
}

const ExpoError = z.object({
  status: z.literal("error"),
  message: z.string().optional(),
  details: z.object({ error: z.string().optional() }).passthrough().optional(),
});
const ExpoTicket = z.union([z.object({ status: z.literal("ok"), id: z.string() }), ExpoError]);
const SendResponse = z.object({ data: z.array(ExpoTicket) });
const ReceiptsResponse = z.object({
  data: z.record(z.string(), z.union([z.object({ status: z.literal("ok") }), ExpoError])),
});

export type ExpoTicket = z.infer<typeof ExpoTicket>;

function headers(config: ExpoConfig): HeadersInit {
  return {
    accept: "application/json",
    "accept-encoding": "gzip, deflate",
    "content-type": "application/json",
    ...(config.accessToken && { authorization: `Bearer ${config.accessToken}` }),
  };
}

export class ExpoUnavailable extends Error {}

/**
 * Sends up to 100 messages in one request; the tickets come back in the same order. A refusal of
 * the whole request (429, 5xx, a body we cannot read) throws ExpoUnavailable: worth a retry.
 */
export async function sendExpoBatch(config: ExpoConfig, messages: ExpoMessage[]): Promise<ExpoTicket[]> {
  if (messages.length > EXPO_BATCH) throw new RangeError(`at most ${EXPO_BATCH} messages per request`);
  const response = await fetch(config.sendUrl, {
    method: "POST",
    headers: headers(config),
    body: JSON.stringify(messages),
  });
  const parsed = SendResponse.safeParse(await response.json().catch(() => null));
  if (!response.ok || !parsed.success || parsed.data.data.length !== messages.length) {
    log("warn", "expo push refused a batch", { status: response.status });
    throw new ExpoUnavailable(`expo push answered ${response.status}`);
  }
  return parsed.data.data;
}

/** Receipts of earlier tickets: ok, or an error (DeviceNotRegistered...); missing ids are not ready. */
export async function fetchExpoReceipts(config: ExpoConfig, ids: string[]) {
  const response = await fetch(config.receiptsUrl, {
    method: "POST",
    headers: headers(config),
    body: JSON.stringify({ ids }),
  });
  const parsed = ReceiptsResponse.safeParse(await response.json().catch(() => null));
  if (!response.ok || !parsed.success) throw new ExpoUnavailable(`expo receipts answered ${response.status}`);
  return parsed.data.data;
}

/** The device uninstalled the app or revoked permission: its token will never work again. */
export function isDeviceGone(result: { status: string; details?: { error?: string } | undefined }): boolean {
  return result.status === "error" && result.details?.error === "DeviceNotRegistered";
}
