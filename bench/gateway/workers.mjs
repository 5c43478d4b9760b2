// The Workers of the gateway benchmark, all in one workerd: the real gateway, auth and users bundles
// (gateway and users behind probes that count token verifications) and the inline Workers.
import { join } from "node:path";
import { buildWorkers } from "../../scripts/build.mjs";
import { newSigningKey } from "../../scripts/signing-key.mjs";
import { applyMigrations, ROOT, startWorkers, workerFromConfig } from "../lib/platform.mjs";
import { PROBE_ENTRYPOINT, withProbe } from "../lib/probe.mjs";
import { benchWorkers } from "./inline-workers.mjs";

const BUNDLES = ["gateway", "auth", "users"];
const CONFIGS = {
  gateway: join(ROOT, "wrangler.toml"),
  auth: join(ROOT, "workers/auth/wrangler.toml"),
  users: join(ROOT, "workers/users/wrangler.toml"),
};

/**
 * The bundles of the three real Workers: rebuilt with scripts/build.mjs into .build/, or taken as they
 * are from `bundleDir` (<dir>/<name>/index.js: say, a patched copy under /tmp for a diagnosis).
 */
async function bundles({ build, bundleDir }) {
  if (build && !bundleDir) return buildWorkers(BUNDLES);
  const dir = bundleDir ?? join(ROOT, ".build");
  return Object.fromEntries(BUNDLES.map((name) => [name, join(dir, name, "index.js")]));
}

/** The real Workers as Miniflare options; the gateway without its [assets] unless `assets`. */
function realWorkers(scripts, signingKey) {
  // Without [assets], requests reach the gateway's code directly, as its /v1 routes do in production
  // (run_worker_first); with it, Miniflare puts its asset router Workers in front.
  const gateway = workerFromConfig(CONFIGS.gateway, scripts.gateway, {
    assets: undefined,
    stripCfConnectingIp: false,
  });
  const auth = workerFromConfig(CONFIGS.auth, scripts.auth, {
    bindings: { SIGNING_KEYS: JSON.stringify([signingKey]), PASSWORD_PEPPER: "bench-pepper-not-secret" },
  });
  const users = workerFromConfig(CONFIGS.users, scripts.users);
  return { gateway, auth, users };
}

/**
 * Starts the benchmark's workerd and prepares its databases.
 * @param {{ build: boolean, bundleDir?: string, withAssets: boolean, onLog?: (log: object) => void }} options
 *   withAssets: also a second gateway with its [assets] config (Miniflare's asset router in front);
 *   onLog: receives the Workers' log lines (default: dropped)
 * @returns the platform (mf, workerd pid, a direct URL per Worker), the Workers' names by role, the
 *   probe URLs of gateway and users, and the private JWK the auth Worker signs with
 */
export async function startGatewayBench({ build, bundleDir, withAssets, onLog }) {
  const scripts = await bundles({ build, bundleDir });
  const signingKey = await newSigningKey();
  const real = realWorkers(scripts, signingKey);
  const inline = benchWorkers({
    users: real.users.name,
    revokedSessionsId: real.gateway.kvNamespaces.REVOKED_SESSIONS.id,
  });
  const workers = [withProbe(real.gateway), real.auth, withProbe(real.users), ...inline.workers];
  if (withAssets) {
    const { assets } = workerFromConfig(CONFIGS.gateway, scripts.gateway);
    workers.push({ ...real.gateway, name: "bench-gateway-assets", assets });
  }
  const platform = await startWorkers(workers, { onLog });
  try {
    await applyMigrations(platform.mf, real.auth.name, join(ROOT, "migrations/auth"));
    await applyMigrations(platform.mf, real.users.name, join(ROOT, "migrations/users"));
    const names = {
      gateway: real.gateway.name,
      users: real.users.name,
      ...inline.names,
      gatewayAssets: withAssets ? "bench-gateway-assets" : null,
    };
    const probeUrls = {
      gateway: (await platform.mf.unsafeGetDirectURL(names.gateway, PROBE_ENTRYPOINT)).href,
      users: (await platform.mf.unsafeGetDirectURL(names.users, PROBE_ENTRYPOINT)).href,
    };
    return { ...platform, names, probeUrls, signingKey };
  } catch (error) {
    await platform.mf.dispose();
    throw error;
  }
}
