import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

// users makes each new account's profile and calls back into auth (JWKS): a bundled copy of auth
// answers that, on the same storage.
export default defineConfig(() =>
  workerTestConfig({
    service: "auth",
    neighbours: ["users", "auth"],
    databases: ["auth", "users"],
    // The password-change notice for the notifications service, kept for the tests to read.
    sinkQueues: ["plaza-notification-events"],
  }),
);
