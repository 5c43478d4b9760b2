import { log } from "../../../../lib/logging";
import type { DeliveryOutcome } from "../db/deliveries";
import type { SmsConfig } from "../providers";

/** One SMS segment set: Twilio accepts up to 1600 characters; we keep texts short anyway. */
const MAX_SMS_CHARS = 320;

/** Sends one SMS through Twilio's Messages API (form-encoded, HTTP Basic with the account SID). */
export async function sendSms(config: SmsConfig, to: string, text: string): Promise<DeliveryOutcome> {
  const url = `https://api.twilio.com/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const form = new URLSearchParams({ To: to, Body: text.slice(0, MAX_SMS_CHARS) });
  // A Messaging Service SID (MG...) picks the sender itself; anything else is a phone number.
  form.set(config.from.startsWith("MG") ? "MessagingServiceSid" : "From", config.from);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form,
  });
  await response.body?.cancel();
  if (response.ok) return "sent";
  log("warn", "twilio refused an SMS", { status: response.status });
  return response.status === 429 || response.status >= 500 ? "retry" : "permanent_failure";
}
