import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

// Every service the gateway routes to runs beside it.
export default defineConfig(() =>
  workerTestConfig({
    service: "gateway",
    neighbours: [
      "auth",
      "users",
      "sessions",
      "posts",
      "media",
      "feed",
      "messaging",
      "notifications",
      "calls",
    ],
    databases: ["auth", "users", "sessions", "posts", "media", "messaging", "notifications", "calls"],
  }),
);
