import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

export default defineConfig(() =>
  workerTestConfig({
    service: "sessions",
    neighbours: ["auth", "users"],
    databases: ["sessions", "auth", "users"],
    http: { AUTH_HTTP: "auth" },
    // What the invite route publishes for the notifications service, kept for the tests to read.
    sinkQueues: ["plaza-notification-events"],
    test: { include: ["test/**/*.test.ts", "../../durable-objects/watch-session/**/*.test.ts"] },
  }),
);
