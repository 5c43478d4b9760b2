import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

export default defineConfig(() =>
  workerTestConfig({
    service: "notifications",
    neighbours: ["auth", "users"],
    databases: ["auth", "users"],
    http: { AUTH_HTTP: "auth" },
  }),
);
