import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

export default defineConfig(() =>
  workerTestConfig({
    service: "sessions",
    neighbours: ["auth", "users"],
    databases: ["sessions", "auth", "users"],
    http: { AUTH_HTTP: "auth" },
    test: { include: ["test/**/*.test.ts", "../../durable-objects/watch-session/**/*.test.ts"] },
  }),
);
