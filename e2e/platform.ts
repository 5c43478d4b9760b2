// The whole Plaza platform for end-to-end tests: every Worker from its wrangler config and its
// bundle (.build/, from scripts/build.mjs) on one workerd through Miniflare's API (the way the
// benchmarks run it, bench/lib/platform.mjs), fresh storage, every D1 migration applied, and the
// gateway (with its static assets) on a free loopback port.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { applyMigrations, startWorkers, workerFromConfig } from "../bench/lib/platform.mjs";
import { buildWorkers } from "../scripts/build.mjs";
import { newSigningKey } from "../scripts/signing-key.mjs";
import { listWorkers, ROOT } from "../scripts/workers.mjs";

export interface Platform {
  /** The gateway's base URL, ending in "/". */
  url: string;
  stop(): Promise<void>;
}

interface WorkerEntry {
  name: string;
  config: string;
  migrations: string | null;
}

/** Starts every Worker; bundles that are missing are built first (`npm test` builds them all). */
export async function startPlatform({ log = false } = {}): Promise<Platform> {
  const workers = listWorkers() as WorkerEntry[];
  const bundleOf = (name: string) => join(ROOT, ".build", name, "index.js");
  const missing = workers.filter((worker) => !existsSync(bundleOf(worker.name))).map((worker) => worker.name);
  if (missing.length > 0) await buildWorkers(missing);

  const signingKey = await newSigningKey();
  const options = workers.map((worker) =>
    workerFromConfig(
      worker.config,
      bundleOf(worker.name),
      worker.name === "auth"
        ? {
            bindings: {
              SIGNING_KEYS: JSON.stringify([signingKey]),
              PASSWORD_PEPPER: "e2e-pepper-not-secret",
            },
          }
        : {},
    ),
  );
  const onLog = log ? (entry: object) => console.log(JSON.stringify(entry)) : () => {};
  const { mf, urls } = await startWorkers(options, { onLog });
  try {
    for (const [index, worker] of workers.entries()) {
      const name = options[index]?.name;
      if (worker.migrations && name) await applyMigrations(mf, name, worker.migrations);
    }
    const gateway = options[workers.findIndex((worker) => worker.name === "gateway")]?.name;
    const url = gateway ? urls[gateway] : undefined;
    if (!url) throw new Error("the gateway did not start");
    return { url, stop: () => mf.dispose() };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}
