import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

export default defineConfig(() =>
  workerTestConfig({
    service: "messaging",
    neighbours: ["auth", "users", "notifications"],
    databases: ["auth", "users"],
    http: { AUTH_HTTP: "auth" },
  }),
);
