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
          },
          d1Databases: { AUTH_DB: d1IdOf("auth") },
          kvNamespaces: { EVENT_SINK: EVENT_SINK_KV },
          // The real auth service signs the tokens these tests use (AUTH_HTTP: its public API).
          serviceBindings: { AUTH_HTTP: "plaza-auth" },
          // auth calls back into users (profiles); a bundled copy of users answers it, on the same storage.
          workers: [
            auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER }),
            auxiliaryWorker("users"),
            eventSink(["plaza-feed-events"]),
          ],
        },
      }),
    ],
    test: {
      name: "users",
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only",
    },
  };
});
