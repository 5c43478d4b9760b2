// The Workers of the sessions benchmark, all in one workerd: auth (JWKS), users (profiles), sessions (the
// WatchSession Durable Object, behind a wrapper that only raises its chat rate limit) and the inline
// Workers (the bare broadcasting Durable Object, the setup Worker of bench/lib/bench-users.mjs).
import { join } from "node:path";
import { newSigningKey } from "../../scripts/signing-key.mjs";
import { workerBundles } from "../lib/bundles.mjs";
import { applyMigrations, ROOT, startWorkers, workerFromConfig } from "../lib/platform.mjs";
import { subclassWrapper, wrapBundle } from "../lib/wrap.mjs";
import { benchWorkers } from "./inline-workers.mjs";
import { buildWatchSessionWorker, ownWorkerPair } from "./own-worker.mjs";

const BUNDLES = ["auth", "users", "sessions"];
const CONFIGS = {
  auth: join(ROOT, "workers/auth/wrangler.toml"),
  users: join(ROOT, "workers/users/wrangler.toml"),
  sessions: join(ROOT, "workers/sessions/wrangler.toml"),
};

/**
 * WatchSession as shipped, except its chat token bucket (WATCH_LIMITS.chat: burst 5, 1/s per user),
 * replaced by one of the same class with `limit` (burst and refill per second): the check still runs on
 * every message. `limit` 0 keeps the shipped bucket.
 */
function watchSessionWrapper(limit) {
  if (!limit) return (bundle) => `export * from "./${bundle}";\nexport { default } from "./${bundle}";\n`;
  return subclassWrapper(
    "WatchSession",
    `if (!this.chatLimit?.take) throw new Error("bench: WatchSession has no chatLimit bucket any more");
    this.chatLimit = new this.chatLimit.constructor(${limit}, ${limit});`,
  );
}

/**
 * Starts the benchmark's workerd and prepares its databases.
 * @param {{ build: boolean, bundleDir?: string, chatLimit: number, onLog?: (log: object) => void,
 *   variants?: { name: string, bundle: string }[], ownWorker?: boolean }} options
 *   variants: more sessions Workers from other bundles (say, patched copies under /tmp), each with its
 *   own WatchSession namespace, named bench-sessions-<name>: measured side by side with the real one;
 *   ownWorker: also the WatchSession in a Worker of its own (own-worker.mjs), as variant "own-worker"
 */
export async function startSessionsBench(options) {
  const { build, bundleDir, chatLimit, onLog, variants = [], ownWorker = false } = options;
  const scripts = await workerBundles(BUNDLES, { build, bundleDir });
  const signingKey = await newSigningKey();
  const auth = workerFromConfig(CONFIGS.auth, scripts.auth, {
    bindings: { SIGNING_KEYS: JSON.stringify([signingKey]), PASSWORD_PEPPER: "bench-pepper-not-secret" },
  });
  const users = workerFromConfig(CONFIGS.users, scripts.users);
  const sessions = wrapBundle(
    workerFromConfig(CONFIGS.sessions, scripts.sessions),
    watchSessionWrapper(chatLimit),
  );
  const patched = variants.map(({ name, bundle }) =>
    wrapBundle(
      // Its own sessions index database, so the migrations apply to each.
      workerFromConfig(CONFIGS.sessions, bundle, {
        name: `bench-sessions-${name}`,
        d1Databases: { DB: { id: `bench-sessions-${name}` } },
      }),
      watchSessionWrapper(chatLimit),
    ),
  );
  const own = ownWorker
    ? ownWorkerPair(
        workerFromConfig(CONFIGS.sessions, scripts.sessions),
        (await buildWatchSessionWorker()).scriptPath,
        (worker) => wrapBundle(worker, watchSessionWrapper(chatLimit)),
      )
    : undefined;
  const fronts = [...patched, ...(own ? [own.front] : [])];
  const inline = benchWorkers({ users: users.name });
  const platform = await startWorkers(
    [auth, users, sessions, ...fronts, ...(own ? [own.host] : []), ...inline.workers],
    { onLog },
  );
  try {
    await applyMigrations(platform.mf, auth.name, join(ROOT, "migrations/auth"));
    await applyMigrations(platform.mf, users.name, join(ROOT, "migrations/users"));
    for (const worker of [sessions, ...fronts]) {
      await applyMigrations(platform.mf, worker.name, join(ROOT, "migrations/sessions"));
    }
    const names = {
      auth: auth.name,
      users: users.name,
      sessions: sessions.name,
      variants: {
        ...Object.fromEntries(variants.map(({ name }, index) => [name, patched[index].name])),
        ...(own && { "own-worker": own.front.name }),
      },
      ...inline.names,
    };
    return { ...platform, names, signingKey };
  } catch (error) {
    await platform.mf.dispose();
    throw error;
  }
}
