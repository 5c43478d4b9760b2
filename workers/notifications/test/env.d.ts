// Bindings that only this Worker's test config (vitest.config.ts) adds.
declare namespace Cloudflare {
  interface Env {
    VAPID_PUBLIC_KEY: string;
    VAPID_PRIVATE_KEY: string;
    VAPID_SUBJECT: string;
    RESEND_API_KEY: string;
    TWILIO_ACCOUNT_SID: string;
    TWILIO_AUTH_TOKEN: string;
    TWILIO_FROM: string;
  }
}
