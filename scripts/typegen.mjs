// Generates binding types with `wrangler types`: one Env per Worker (next to its config, typed RPC
// for its service bindings) and one shared file of runtime types. Pass --check to only verify that
// the committed files are up to date.
import { execFileSync } from "node:child_process";
import { join, relative } from "node:path";
import { bin, listWorkers, ROOT, toolEnv } from "./workers.mjs";

/** Each Worker's bindings get their own interface (UsersEnv, AuthEnv...): one program sees them all. */
function envInterfaceName(worker) {
  return `${worker.charAt(0).toUpperCase()}${worker.slice(1)}Env`;
}

const check = process.argv.includes("--check");
const workers = listWorkers();
const env = toolEnv();

function wranglerTypes(args) {
  execFileSync(bin("wrangler"), ["types", ...args, ...(check ? ["--check"] : [])], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

for (const worker of workers) {
  // The other configs let wrangler resolve each service binding's entrypoint to its RPC type.
  const others = workers
    .filter((other) => other !== worker)
    .flatMap((other) => ["-c", relative(ROOT, other.config)]);
  const out = relative(ROOT, join(worker.dir, "worker-configuration.d.ts"));
  wranglerTypes([
    "-c",
    relative(ROOT, worker.config),
    ...others,
    out,
    "--include-runtime=false",
    "--strict-vars=false",
    "--include-main-module=false",
    `--env-interface=${envInterfaceName(worker.name)}`,
    // Never the local .dev.vars (made by `npm start`, absent on a clean clone): declared secrets
    // come from each config's [secrets] section, so the types are the same on every machine.
    "--env-file=/dev/null",
  ]);
  console.log(`${check ? "checked" : "wrote"} ${out}`);
}
wranglerTypes(["worker-runtime.d.ts", "--include-env=false"]);
console.log(`${check ? "checked" : "wrote"} worker-runtime.d.ts`);
