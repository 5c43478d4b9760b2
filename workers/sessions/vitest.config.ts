import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { auxiliaryWorker, d1IdOf, migrationsOf, testSecrets } from "../../vitest.workers.ts";

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
            SESSIONS_MIGRATIONS: await migrationsOf("sessions"),
          },
          d1Databases: { AUTH_DB: d1IdOf("auth"), USERS_DB: d1IdOf("users") },
          // The real auth service signs the tokens these tests use (AUTH_HTTP: its public API).
          serviceBindings: { AUTH_HTTP: "plaza-auth" },
          workers: [auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER }), auxiliaryWorker("users")],
        },
      }),
    ],
    test: {
      name: "sessions",
      include: ["test/**/*.test.ts", "../../durable-objects/watch-session/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only",
    },
  };
});
