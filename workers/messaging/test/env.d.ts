// Bindings that only workers/messaging/vitest.config.ts adds.
declare namespace Cloudflare {
  interface Env {
    /** Where NOTIFICATION_EVENTS sends in tests (the event sink keeps what arrives). */
    TEST_EVENTS_QUEUE: string;
  }
}
