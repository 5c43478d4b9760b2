// `npm test`: bundles the Workers that tests load as auxiliary Workers, copies vendored assets,
// then runs every Worker's tests inside workerd (vitest with @cloudflare/vitest-plugin).
// Extra arguments go to vitest, e.g. `npm test -- --project auth`.
import { spawnSync } from "node:child_process";
import { copyVendorAssets } from "./assets.mjs";
import { buildWorkers } from "./build.mjs";
import { bin, ROOT, toolEnv } from "./workers.mjs";

copyVendorAssets();
await buildWorkers();
const result = spawnSync(bin("vitest"), ["run", ...process.argv.slice(2)], {
  cwd: ROOT,
  env: toolEnv(),
  stdio: "inherit",
});
process.exit(result.status ?? 1);
