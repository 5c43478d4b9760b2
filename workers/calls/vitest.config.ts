import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

export default defineConfig(() =>
  workerTestConfig({
    service: "calls",
    neighbours: ["auth", "users"],
    databases: ["auth", "users"],
    http: { AUTH_HTTP: "auth" },
  }),
);
