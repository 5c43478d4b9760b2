import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { auxiliaryWorker, d1IdOf, migrationsOf, testSecrets } from "../../vitest.workers.ts";

export default defineConfig(async () => {
  const { SIGNING_KEYS, PASSWORD_PEPPER, TEST_SIGNING_JWK } = await testSecrets();
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "../../wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_SIGNING_JWK,
            AUTH_MIGRATIONS: await migrationsOf("auth"),
            USERS_MIGRATIONS: await migrationsOf("users"),
            SESSIONS_MIGRATIONS: await migrationsOf("sessions"),
            POSTS_MIGRATIONS: await migrationsOf("posts"),
            MEDIA_MIGRATIONS: await migrationsOf("media"),
          },
          d1Databases: {
            AUTH_DB: d1IdOf("auth"),
            USERS_DB: d1IdOf("users"),
            SESSIONS_DB: d1IdOf("sessions"),
            POSTS_DB: d1IdOf("posts"),
            MEDIA_DB: d1IdOf("media"),
          },
          workers: [
            auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER }),
            auxiliaryWorker("users"),
            auxiliaryWorker("sessions"),
            auxiliaryWorker("posts"),
            auxiliaryWorker("media"),
            auxiliaryWorker("feed"),
          ],
        },
      }),
    ],
    test: {
      name: "gateway",
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only",
    },
  };
});
