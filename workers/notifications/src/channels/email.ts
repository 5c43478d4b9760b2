import { log } from "../../../../lib/logging";
import type { DeliveryOutcome } from "../db/deliveries";
import type { EmailConfig } from "../providers";

export interface Email {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends one email through Resend's API. The idempotency key makes Resend itself drop a repeat of
 * the same delivery within 24 hours, a second guard after our own delivery claims.
 */
export async function sendEmail(
  config: EmailConfig,
  email: Email,
  idempotencyKey: string,
): Promise<DeliveryOutcome> {
  const response = await fetch(config.url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${config.apiKey}`,
      "content-type": "application/json",
      "idempotency-key": idempotencyKey.slice(0, 256),
    },
    body: JSON.stringify({ from: config.from, to: [email.to], subject: email.subject, text: email.text }),
  });
  await response.body?.cancel();
  if (response.ok) return "sent";
  log("warn", "email provider refused a message", { provider: config.provider, status: response.status });
  return response.status === 429 || response.status >= 500 ? "retry" : "permanent_failure";
}
