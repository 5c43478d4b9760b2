// Bindings that only workers/messaging/vitest.config.ts adds.
declare namespace Cloudflare {
  interface Env {
    /** Where NOTIFICATION_EVENTS sends in tests (the event sink keeps what arrives). */
    TEST_EVENTS_QUEUE: string;
    /** The notifications Worker's public HTTP API (a user's live channel, /v1/me/ws). */
    NOTIFICATIONS_HTTP: Fetcher;
    NOTIFICATIONS_DB: D1Database;
  }
}
