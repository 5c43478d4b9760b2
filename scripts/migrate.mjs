// Applies every service's D1 migrations to the local state folder (the one `npm start` uses).
import { execFileSync } from "node:child_process";
import { bin, d1DatabaseNames, listWorkers, ROOT, toolEnv } from "./workers.mjs";

export async function applyLocalMigrations(persistTo) {
  for (const worker of listWorkers()) {
    if (!worker.migrations) continue;
    for (const database of await d1DatabaseNames(worker.config)) {
      execFileSync(
        bin("wrangler"),
        ["d1", "migrations", "apply", database, "--local", "-c", worker.config, "--persist-to", persistTo],
        { cwd: ROOT, env: toolEnv({ CI: "true" }), stdio: ["ignore", "ignore", "inherit"] },
      );
      console.log(`migrated ${database}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { join } = await import("node:path");
  await applyLocalMigrations(process.env.PLAZA_STATE_DIR ?? join(ROOT, ".state"));
}
