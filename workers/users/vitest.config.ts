import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

// The real auth service signs the tokens these tests use; it calls back into users (profiles),
// which a bundled copy of users answers on the same storage.
export default defineConfig(() =>
  workerTestConfig({
    service: "users",
    neighbours: ["auth", "users"],
    databases: ["users", "auth"],
    http: { AUTH_HTTP: "auth" },
    sinkQueues: ["plaza-feed-events"],
  }),
);
