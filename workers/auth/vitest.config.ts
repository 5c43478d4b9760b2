import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { auxiliaryWorker, d1IdOf, migrationsOf, testSecrets } from "../../vitest.workers.ts";

export default defineConfig(async () => {
  const secrets = await testSecrets();
  const { SIGNING_KEYS, PASSWORD_PEPPER } = secrets;
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...secrets,
            AUTH_MIGRATIONS: await migrationsOf("auth"),
            USERS_MIGRATIONS: await migrationsOf("users"),
          },
          // The users Worker's database, shared so the setup file can migrate and tests inspect it.
          d1Databases: { USERS_DB: d1IdOf("users") },
          // users calls back into auth (JWKS); a bundled copy of auth answers it, on the same storage.
          workers: [auxiliaryWorker("users"), auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER })],
        },
      }),
    ],
    test: {
      name: "auth",
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only",
    },
  };
});
