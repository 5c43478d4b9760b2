import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { auxiliaryWorker, d1IdOf, migrationsOf, testSecrets } from "../../vitest.workers.ts";

/** A small quota, so that tests can fill it without sending a gigabyte. */
const TEST_QUOTA_BYTES = 32 * 1024 * 1024;

export default defineConfig(async () => {
  const { SIGNING_KEYS, PASSWORD_PEPPER, TEST_SIGNING_JWK } = await testSecrets();
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_SIGNING_JWK,
            MEDIA_QUOTA_BYTES: String(TEST_QUOTA_BYTES),
            AUTH_MIGRATIONS: await migrationsOf("auth"),
            USERS_MIGRATIONS: await migrationsOf("users"),
            MEDIA_MIGRATIONS: await migrationsOf("media"),
          },
          d1Databases: { AUTH_DB: d1IdOf("auth"), USERS_DB: d1IdOf("users") },
          // The real auth service signs the tokens these tests use (AUTH_HTTP: its public API);
          // it makes each account's profile in the users service, so that runs too.
          serviceBindings: { AUTH_HTTP: "plaza-auth" },
          workers: [auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER }), auxiliaryWorker("users")],
        },
      }),
    ],
    test: {
      name: "media",
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only",
      // Multipart tests move tens of MiB through workerd's local R2.
      testTimeout: 30_000,
    },
  };
});
