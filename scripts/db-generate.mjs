// Generates each service's D1 migrations from its drizzle schema (workers/<name>/src/db/schema.ts)
// into migrations/<name>/. Run after changing a schema; commit what it writes, never edit it after.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { bin, listWorkers, ROOT, toolEnv } from "./workers.mjs";

// Usage: node scripts/db-generate.mjs [service] [migration-name]
const [only, name] = process.argv.slice(2);
for (const worker of listWorkers()) {
  const schema = join(worker.dir, "src/db/schema.ts");
  if (!existsSync(schema) || (only && worker.name !== only)) continue;
  execFileSync(
    bin("drizzle-kit"),
    [
      "generate",
      "--dialect=sqlite",
      `--schema=${relative(ROOT, schema)}`,
      `--out=migrations/${worker.name}`,
      ...(name ? [`--name=${name}`] : []),
    ],
    { cwd: ROOT, stdio: "inherit", env: toolEnv() },
  );
}
