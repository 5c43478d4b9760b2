import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import {
  auxiliaryWorker,
  d1IdOf,
  EVENT_SINK_KV,
  eventSink,
  migrationsOf,
  testSecrets,
} from "../../vitest.workers.ts";

/** Small enough that a test can make a big author with a few real followers. */
const TEST_FANOUT_LIMIT = 2;
/** Small enough that a test can page past the ranked window with a few real posts. */
const TEST_RANK_WINDOW = 10;

export default defineConfig(async () => {
  const { SIGNING_KEYS, PASSWORD_PEPPER, TEST_SIGNING_JWK } = await testSecrets();
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_SIGNING_JWK,
            FANOUT_LIMIT: String(TEST_FANOUT_LIMIT),
            RANK_WINDOW: String(TEST_RANK_WINDOW),
            AUTH_MIGRATIONS: await migrationsOf("auth"),
            USERS_MIGRATIONS: await migrationsOf("users"),
            POSTS_MIGRATIONS: await migrationsOf("posts"),
            MEDIA_MIGRATIONS: await migrationsOf("media"),
          },
          d1Databases: {
            AUTH_DB: d1IdOf("auth"),
            USERS_DB: d1IdOf("users"),
            POSTS_DB: d1IdOf("posts"),
            MEDIA_DB: d1IdOf("media"),
          },
          kvNamespaces: { EVENT_SINK: EVENT_SINK_KV },
          // The same consumer as wrangler.toml, with short batches so tests need not wait seconds.
          queueConsumers: {
            "plaza-feed-events": {
              maxBatchTimeout: 0.05,
              maxRetries: 3,
              deadLetterQueue: "plaza-feed-events-dlq",
            },
          },
          // Real neighbours: auth signs tokens, users holds the follow graph, posts the posts (and
          // publishes their events to plaza-feed-events, which this Worker consumes); posts needs media.
          serviceBindings: { AUTH_HTTP: "plaza-auth", USERS_HTTP: "plaza-users", POSTS_HTTP: "plaza-posts" },
          workers: [
            auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER }),
            auxiliaryWorker("users"),
            auxiliaryWorker("posts"),
            auxiliaryWorker("media"),
            eventSink(["plaza-feed-events-dlq"]),
          ],
        },
      }),
    ],
    test: {
      name: "feed",
      include: ["test/**/*.test.ts", "../../durable-objects/timeline/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only",
      testTimeout: 20_000,
    },
  };
});
