import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

/** A small quota, so that tests can fill it without sending a gigabyte. */
const TEST_QUOTA_BYTES = 32 * 1024 * 1024;

export default defineConfig(() =>
  workerTestConfig({
    service: "media",
    neighbours: ["auth", "users"],
    databases: ["media", "auth", "users"],
    http: { AUTH_HTTP: "auth" },
    bindings: { MEDIA_QUOTA_BYTES: String(TEST_QUOTA_BYTES) },
    sinkQueues: ["plaza-posts-events"],
    // Multipart tests move tens of MiB through workerd's local R2.
    test: { testTimeout: 30_000 },
  }),
);
