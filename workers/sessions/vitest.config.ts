import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

// The participant cap is 1000 in wrangler.toml; the tests fill a room of 5 (the presence test's
// burst of joins is 5 people, so it stays within the cap).
const TEST_MAX_PARTICIPANTS = 5;

export default defineConfig(() =>
  workerTestConfig({
    service: "sessions",
    neighbours: ["auth", "users"],
    databases: ["sessions", "auth", "users"],
    http: { AUTH_HTTP: "auth" },
    // What the invite route publishes for the notifications service, kept for the tests to read.
    sinkQueues: ["plaza-notification-events"],
    bindings: { WATCH_MAX_PARTICIPANTS: String(TEST_MAX_PARTICIPANTS) },
    test: { include: ["test/**/*.test.ts", "../../durable-objects/watch-session/**/*.test.ts"] },
  }),
);
