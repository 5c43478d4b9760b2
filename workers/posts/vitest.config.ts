import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

// Real neighbours: auth signs tokens, users has profiles, media holds uploads.
export default defineConfig(() =>
  workerTestConfig({
    service: "posts",
    neighbours: ["auth", "users", "media"],
    databases: ["posts", "auth", "users", "media"],
    http: { AUTH_HTTP: "auth", MEDIA_HTTP: "media" },
    sinkQueues: ["plaza-feed-events", "plaza-posts-events-dlq"],
    // The same consumer as wrangler.toml, with short batches so tests need not wait seconds.
    miniflare: {
      queueConsumers: {
        "plaza-posts-events": {
          maxBatchTimeout: 0.05,
          maxRetries: 3,
          deadLetterQueue: "plaza-posts-events-dlq",
        },
      },
    },
  }),
);
