// `npm test`: bundles the Workers that tests load as auxiliary Workers, copies vendored assets,
// then runs every Worker's tests inside workerd (vitest with @cloudflare/vitest-plugin).
// Extra arguments go to vitest, e.g. `npm test -- --project auth` (which bundles only the Workers
// that auth's tests run beside it).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { copyVendorAssets } from "./assets.mjs";
import { buildWorkers } from "./build.mjs";
import { bin, listWorkers, ROOT, toolEnv } from "./workers.mjs";

const args = process.argv.slice(2);

/** The projects named by --project (none: every project). */
function selectedProjects() {
  const projects = [];
  args.forEach((arg, i) => {
    if (arg === "--project" && args[i + 1]) projects.push(args[i + 1]);
    else if (arg.startsWith("--project=")) projects.push(arg.slice("--project=".length));
  });
  return projects;
}

/**
 * The Workers a project's tests run beside it: the `neighbours` list of its vitest config (see
 * vitest.workers.ts). Undefined when it cannot tell, and then every Worker is bundled.
 */
function neighboursOf(project) {
  const worker = listWorkers().find((candidate) => candidate.name === project);
  if (!worker) return undefined;
  const config = readFileSync(join(worker.dir, "vitest.config.ts"), "utf8");
  const list = /neighbours:\s*\[([^\]]*)\]/.exec(config)?.[1];
  if (list === undefined) return undefined;
  return [...list.matchAll(/"([a-z-]+)"/g)].map((match) => match[1]);
}

const projects = selectedProjects();
const needed = projects.map(neighboursOf);
const names = projects.length && needed.every(Boolean) ? [...new Set(needed.flat())] : undefined;

copyVendorAssets();
if (!names || names.length) await buildWorkers(names);
const result = spawnSync(bin("vitest"), ["run", ...args], { cwd: ROOT, env: toolEnv(), stdio: "inherit" });
process.exit(result.status ?? 1);
