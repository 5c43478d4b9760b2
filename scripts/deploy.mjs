// Deploys Plaza: every service Worker first (the gateway binds to them), then the gateway, after
// applying each service's D1 migrations remotely. `--dry-run` only bundles each Worker, offline,
// into .build/ (what CI checks).
import { execFileSync } from "node:child_process";
import { buildWorkers } from "./build.mjs";
import { bin, d1DatabaseNames, listWorkers, ROOT, toolEnv } from "./workers.mjs";

if (process.argv.includes("--dry-run")) {
  const built = await buildWorkers();
  for (const [name, path] of Object.entries(built)) console.log(`bundled ${name} -> ${path}`);
} else {
  const workers = listWorkers();
  const ordered = [
    ...workers.filter((w) => w.name !== "gateway"),
    ...workers.filter((w) => w.name === "gateway"),
  ];
  const wrangler = (args) =>
    execFileSync(bin("wrangler"), args, { cwd: ROOT, env: toolEnv(), stdio: "inherit" });
  for (const worker of ordered) {
    for (const database of await d1DatabaseNames(worker.config)) {
      wrangler(["d1", "migrations", "apply", database, "--remote", "-c", worker.config]);
    }
    wrangler(["deploy", "-c", worker.config]);
  }
}
