import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is per test file: every file starts from freshly migrated databases, one per binding
// named in TEST_D1_MIGRATIONS (vitest.workers.ts workerTestConfig).
for (const [binding, migrations] of Object.entries(env.TEST_D1_MIGRATIONS)) {
  const database: unknown = Reflect.get(env, binding);
  if (!database || typeof database !== "object" || !("prepare" in database)) {
    throw new Error(`TEST_D1_MIGRATIONS names ${binding}, which is not a D1 binding`);
  }
  await applyD1Migrations(database as D1Database, migrations as D1Migration[]);
}
