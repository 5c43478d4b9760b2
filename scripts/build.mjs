// Bundles every Worker as `wrangler deploy` would, without deploying: `--dry-run` into .build/<name>/.
// Tests load these bundles as auxiliary Workers; benchmarks run them on bare workerd; CI checks that
// every Worker bundles. Offline, about 2 s a Worker.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { bin, listWorkers, ROOT, toolEnv } from "./workers.mjs";

const run = promisify(execFile);

export const BUILD_DIR = join(ROOT, ".build");

/** @returns the bundle of each Worker, `.build/<name>/index.js`. */
export async function buildWorkers(names) {
  const workers = listWorkers().filter((worker) => !names?.length || names.includes(worker.name));
  // Two at a time: this machine has two cores.
  const queue = [...workers];
  const built = {};
  async function next() {
    const worker = queue.shift();
    if (!worker) return;
    const outdir = join(BUILD_DIR, worker.name);
    await run(bin("wrangler"), ["deploy", "--dry-run", "-c", worker.config, "--outdir", outdir], {
      cwd: ROOT,
      env: toolEnv(),
    }).catch((error) => {
      throw new Error(`bundling ${worker.name} failed:\n${error.stderr || error.stdout || error.message}`);
    });
    built[worker.name] = join(outdir, "index.js");
    await next();
  }
  await Promise.all([next(), next()]);
  return built;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildWorkers(process.argv.slice(2));
  for (const [name, path] of Object.entries(built)) console.log(`bundled ${name} -> ${path}`);
}
