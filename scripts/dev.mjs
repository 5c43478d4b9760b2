// `npm start`: the whole platform in one `wrangler dev` (the gateway first), with local secrets,
// vendored assets and every D1 migration applied first, state kept in .state/.
//   PORT            where the gateway listens (default 8787)
//   INSPECTOR_PORT  the devtools port (default: any free port)
//   PLAZA_STATE_DIR the state folder (default .state)
import { spawn } from "node:child_process";
import { join } from "node:path";
import { copyVendorAssets } from "./assets.mjs";
import { ensureDevSecrets } from "./dev-secrets.mjs";
import { applyLocalMigrations } from "./migrate.mjs";
import { bin, freePort, listWorkers, ROOT, toolEnv } from "./workers.mjs";

const port = Number(process.env.PORT ?? 8787);
const stateDir = process.env.PLAZA_STATE_DIR ?? join(ROOT, ".state");

async function waitUntilHealthy(url, child) {
  for (let attempt = 0; attempt < 240 && child.exitCode === null; attempt++) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

await ensureDevSecrets();
copyVendorAssets();
await applyLocalMigrations(stateDir);
const inspectorPort = Number(process.env.INSPECTOR_PORT ?? (await freePort()));

const configs = listWorkers().flatMap((worker) => ["-c", worker.config]);
const child = spawn(
  bin("wrangler"),
  [
    "dev",
    ...configs,
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    stateDir,
  ],
  { cwd: ROOT, env: toolEnv(), stdio: ["inherit", "inherit", "inherit"] },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

const base = `http://localhost:${port}`;
if (await waitUntilHealthy(`${base}/health`, child)) {
  console.log(`\n  Plaza is up at ${base}\n  API reference: ${base}/docs\n  OpenAPI: ${base}/openapi.json\n`);
}
