// Bindings that only the test configs (workers/*/vitest.config.ts) add.
declare namespace Cloudflare {
  interface Env {
    /** The private test signing key, to forge tokens that are wrong in exactly one way. */
    TEST_SIGNING_JWK: string;
    /** Migrations per D1 binding, applied before every test file (lib/testing/setup.ts). */
    TEST_D1_MIGRATIONS: Record<string, import("cloudflare:test").D1Migration[]>;
    /** Other services' databases, shared by id with their auxiliary Workers. */
    AUTH_DB: D1Database;
    USERS_DB: D1Database;
    SESSIONS_DB: D1Database;
    MEDIA_DB: D1Database;
    POSTS_DB: D1Database;
    /** The media Worker's public HTTP API (uploads in tests of other services). */
    MEDIA_HTTP: Fetcher;
    /** What the test event sink received from queues (vitest.workers.ts eventSink). */
    EVENT_SINK: KVNamespace;
    /** The auth Worker's public HTTP API, for tests of other services that need real tokens. */
    AUTH_HTTP: Fetcher;
    /** The users and posts Workers' public HTTP APIs (follows, posts, likes as a user makes them). */
    USERS_HTTP: Fetcher;
    POSTS_HTTP: Fetcher;
  }
}
