// The Workers of the social benchmark, all in one workerd through Miniflare's API (no wrangler dev
// proxy): the real gateway and the services a social request or its events reach (auth, users,
// posts, media, feed, sessions, and notifications: new posts nudge online followers and every post,
// follow, like and comment goes through its queue), plus two small inline Workers: the one the setup talks to (setup-worker.mjs) and a probe that
// times the building blocks of a request from inside workerd (probe-worker.mjs).
import { join } from "node:path";
import { unstable_readConfig } from "wrangler";
import { buildWorkers } from "../../scripts/build.mjs";
import { newSigningKey } from "../../scripts/signing-key.mjs";
import { applyMigrations, inlineWorker, ROOT, startWorkers, workerFromConfig } from "../lib/platform.mjs";
import { PROBE_WORKER } from "./probe-worker.mjs";
import { SETUP_WORKER } from "./setup-worker.mjs";

const SERVICES = ["auth", "users", "posts", "media", "feed", "sessions", "notifications"];
const BUNDLES = ["gateway", ...SERVICES];
const WITH_MIGRATIONS = ["auth", "users", "posts", "media", "sessions", "notifications"];
const configOf = (name) => join(ROOT, name === "gateway" ? "wrangler.toml" : `workers/${name}/wrangler.toml`);

/** A direct socket for the default entrypoint and one for a named entrypoint (the gateway's way in). */
const socketsFor = (entrypoint) => [
  { host: "127.0.0.1", port: 0 },
  { host: "127.0.0.1", port: 0, entrypoint },
];

/**
 * The feed's fan-out limit for a run: `override` when given, else its wrangler.toml's FANOUT_LIMIT.
 * Authors with more followers than this are merged at read time instead of fanned out.
 */
export function fanoutLimitOf(override) {
  if (override !== undefined) return override;
  const limit = Number(unstable_readConfig({ config: configOf("feed") }).vars?.FANOUT_LIMIT);
  if (!Number.isInteger(limit)) throw new Error("workers/feed/wrangler.toml has no FANOUT_LIMIT");
  return limit;
}

/** Bundles the Workers into .build/<name>/index.js (scripts/build.mjs). */
export const buildBundles = () => buildWorkers(BUNDLES);

async function bundles({ build, bundleDir }) {
  if (build && !bundleDir) return buildWorkers(BUNDLES);
  const dir = bundleDir ?? join(ROOT, ".build");
  return Object.fromEntries(BUNDLES.map((name) => [name, join(dir, name, "index.js")]));
}

/**
 * Starts workerd with every Plaza Worker and the setup Worker; migrates the D1 databases if asked.
 * @param {{ build: boolean, bundleDir?: string, queueBatchSize?: number, queueBatchTimeout?: number,
 *   fanoutLimit?: number, persistDir?: string, signingKey?: object, migrate: boolean,
 *   onLog?: (log: object) => void, inspectorPort?: number }} options
 *   queueBatchSize, queueBatchTimeout: the feed consumer's max_batch_size and max_batch_timeout
 *   (seconds) instead of its wrangler.toml's; fanoutLimit: the feed's FANOUT_LIMIT instead of its
 *   wrangler.toml's (fanoutLimitOf; a built state depends on it); persistDir: where D1, KV and
 *   Durable Objects keep their data; signingKey: the auth Worker's private JWK (default: a new
 *   one); inspectorPort: open workerd's V8 inspector there (for bench/lib/profile.mjs)
 * @returns the platform (mf, workerd pid, a URL per Worker), `entry` (URLs of the services' named
 *   entrypoints), the Workers' names, the auth Worker's private signing JWK and `drainWindowMs` (how
 *   long workerd must stay idle for the feed's queue to be drained: longer than its batch timeout)
 */
export async function startSocialBench(options) {
  const { build, bundleDir, queueBatchSize, queueBatchTimeout, fanoutLimit, persistDir, migrate } = options;
  const { onLog, inspectorPort } = options;
  const scripts = await bundles({ build, bundleDir });
  const signingKey = options.signingKey ?? (await newSigningKey());
  const gateway = workerFromConfig(configOf("gateway"), scripts.gateway, {
    // The /v1 routes are run_worker_first in production: without [assets] they reach the code directly.
    assets: undefined,
    stripCfConnectingIp: false,
  });
  const auth = workerFromConfig(configOf("auth"), scripts.auth, {
    bindings: { SIGNING_KEYS: JSON.stringify([signingKey]), PASSWORD_PEPPER: "bench-pepper-not-secret" },
  });
  const users = workerFromConfig(configOf("users"), scripts.users, {
    unsafeDirectSockets: socketsFor("UsersService"),
  });
  const posts = workerFromConfig(configOf("posts"), scripts.posts, {
    unsafeDirectSockets: socketsFor("PostsService"),
  });
  const media = workerFromConfig(configOf("media"), scripts.media);
  const sessions = workerFromConfig(configOf("sessions"), scripts.sessions);
  const notifications = workerFromConfig(configOf("notifications"), scripts.notifications);
  const feedBase = workerFromConfig(configOf("feed"), scripts.feed, {
    ...(fanoutLimit !== undefined && { bindings: { FANOUT_LIMIT: String(fanoutLimit) } }),
  });
  const feed = {
    ...feedBase,
    unsafeDirectSockets: socketsFor("FeedService"),
    queueConsumers: Object.fromEntries(
      Object.entries(feedBase.queueConsumers ?? {}).map(([queue, consumer]) => [
        queue,
        {
          ...consumer,
          ...(queueBatchSize && { maxBatchSize: queueBatchSize }),
          ...(queueBatchTimeout !== undefined && { maxBatchTimeout: queueBatchTimeout }),
        },
      ]),
    ),
  };
  const timelines = { className: "Timeline", scriptName: feed.name, useSQLite: true };
  const setup = inlineWorker("bench-social-setup", SETUP_WORKER, {
    serviceBindings: {
      USERS: { name: users.name, entrypoint: "UsersService" },
      POSTS: { name: posts.name, entrypoint: "PostsService" },
    },
    durableObjects: { TIMELINES: timelines },
  });
  const probe = inlineWorker("bench-social-probe", PROBE_WORKER, {
    serviceBindings: {
      USERS: { name: users.name, entrypoint: "UsersService" },
      POSTS: { name: posts.name, entrypoint: "PostsService" },
      FEED: { name: feed.name, entrypoint: "FeedService" },
    },
    durableObjects: { TIMELINES: timelines },
    kvNamespaces: { REVOKED_SESSIONS: gateway.kvNamespaces.REVOKED_SESSIONS },
    d1Databases: { POSTS_DB: posts.d1Databases.DB, USERS_DB: users.d1Databases.DB },
  });
  const workers = [gateway, auth, users, posts, media, feed, sessions, notifications, setup, probe];
  const shared = {
    ...(persistDir && { resourcePersistencePath: persistDir }),
    ...(inspectorPort && { inspectorPort }),
  };
  const platform = await startWorkers(workers, { onLog, shared });
  try {
    const byRole = { gateway, auth, users, posts, media, feed, sessions, notifications };
    for (const name of migrate ? WITH_MIGRATIONS : []) {
      await applyMigrations(platform.mf, byRole[name].name, join(ROOT, "migrations", name));
    }
    const entryUrl = async (worker, entrypoint) =>
      (await platform.mf.unsafeGetDirectURL(worker.name, entrypoint)).href;
    const entry = {
      users: await entryUrl(users, "UsersService"),
      posts: await entryUrl(posts, "PostsService"),
      feed: await entryUrl(feed, "FeedService"),
    };
    const names = Object.fromEntries(
      Object.entries({ ...byRole, setup, probe }).map(([role, w]) => [role, w.name]),
    );
    // Idle for longer than a feed batch can wait means the queue is drained.
    const batchTimeouts = Object.values(feed.queueConsumers).map((consumer) => consumer.maxBatchTimeout ?? 1);
    const drainWindowMs = Math.max(1, ...batchTimeouts) * 1000 + 500;
    return { ...platform, entry, names, signingKey, inspectorPort, drainWindowMs };
  } catch (error) {
    await platform.mf.dispose();
    throw error;
  }
}
