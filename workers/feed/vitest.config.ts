import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

/** Small enough that a test can make a big author with a few real followers. */
const TEST_FANOUT_LIMIT = 2;
/** Small enough that a test can page past the ranked window with a few real posts. */
const TEST_RANK_WINDOW = 10;

// Real neighbours: auth signs tokens, users holds the follow graph, posts the posts (and publishes
// their events to plaza-feed-events, which this Worker consumes); posts needs media.
export default defineConfig(() =>
  workerTestConfig({
    service: "feed",
    neighbours: ["auth", "users", "posts", "media", "notifications"],
    databases: ["auth", "users", "posts", "media", "notifications"],
    http: {
      AUTH_HTTP: "auth",
      USERS_HTTP: "users",
      POSTS_HTTP: "posts",
      NOTIFICATIONS_HTTP: "notifications",
    },
    sinkQueues: ["plaza-feed-events-dlq"],
    bindings: { FANOUT_LIMIT: String(TEST_FANOUT_LIMIT), RANK_WINDOW: String(TEST_RANK_WINDOW) },
    // The same consumer as wrangler.toml, with short batches so tests need not wait seconds.
    miniflare: {
      queueConsumers: {
        "plaza-feed-events": {
          maxBatchTimeout: 0.05,
          maxRetries: 3,
          deadLetterQueue: "plaza-feed-events-dlq",
        },
      },
    },
    test: {
      include: ["test/**/*.test.ts", "../../durable-objects/timeline/**/*.test.ts"],
      testTimeout: 20_000,
    },
  }),
);
