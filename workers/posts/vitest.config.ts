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

export default defineConfig(async () => {
  const { SIGNING_KEYS, PASSWORD_PEPPER, TEST_SIGNING_JWK } = await testSecrets();
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_SIGNING_JWK,
            AUTH_MIGRATIONS: await migrationsOf("auth"),
            USERS_MIGRATIONS: await migrationsOf("users"),
            POSTS_MIGRATIONS: await migrationsOf("posts"),
            MEDIA_MIGRATIONS: await migrationsOf("media"),
          },
          d1Databases: { AUTH_DB: d1IdOf("auth"), USERS_DB: d1IdOf("users"), MEDIA_DB: d1IdOf("media") },
          kvNamespaces: { EVENT_SINK: EVENT_SINK_KV },
          // Real neighbours: auth signs tokens, users has profiles, media holds uploads.
          serviceBindings: { AUTH_HTTP: "plaza-auth", MEDIA_HTTP: "plaza-media" },
          workers: [
            auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER }),
            auxiliaryWorker("users"),
            auxiliaryWorker("media"),
            eventSink(["plaza-feed-events"]),
          ],
        },
      }),
    ],
    test: {
      name: "posts",
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only",
    },
  };
});
