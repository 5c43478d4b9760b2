// Shared pieces of the per-Worker vitest configs (run in Node, not in workerd).
import { join, resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { exportJWK, generateKeyPair } from "jose";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

export const ROOT = resolve(import.meta.dirname);

const CONFIGS: Record<string, string> = {
  gateway: join(ROOT, "wrangler.toml"),
  auth: join(ROOT, "workers/auth/wrangler.toml"),
  users: join(ROOT, "workers/users/wrangler.toml"),
  sessions: join(ROOT, "workers/sessions/wrangler.toml"),
  posts: join(ROOT, "workers/posts/wrangler.toml"),
  media: join(ROOT, "workers/media/wrangler.toml"),
  feed: join(ROOT, "workers/feed/wrangler.toml"),
  messaging: join(ROOT, "workers/messaging/wrangler.toml"),
  notifications: join(ROOT, "workers/notifications/wrangler.toml"),
  calls: join(ROOT, "workers/calls/wrangler.toml"),
};

export function configOf(service: string): string {
  const config = CONFIGS[service];
  if (!config) throw new Error(`unknown service ${service}`);
  return config;
}

/**
 * Secrets for one test run: a fresh ES256 signing key (never committed) and a pepper. The private
 * JWK is also handed to tests as TEST_SIGNING_JWK, so security tests can sign tokens that are
 * valid in every way but one (expired, wrong audience...).
 */
export async function testSecrets() {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-key-1", alg: "ES256" };
  return {
    SIGNING_KEYS: JSON.stringify([jwk]),
    PASSWORD_PEPPER: "test-pepper-not-secret",
    TEST_SIGNING_JWK: JSON.stringify(jwk),
  };
}

export async function migrationsOf(service: string) {
  return readD1Migrations(join(ROOT, "migrations", service));
}

/** The D1 database id in a Worker's config: a test binding with the same id shares its storage. */
export function d1IdOf(service: string): string {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configOf(service));
  const id = (workerOptions.d1Databases as Record<string, string> | undefined)?.DB;
  if (!id) throw new Error(`${service} has no DB`);
  return id;
}

/**
 * Another Worker that the Worker under test calls, as Miniflare options: its own wrangler config
 * (bindings, service bindings) and its bundle from `node scripts/build.mjs` in .build/<name>/.
 * Its plain bindings are the config's `[vars]` and `bindings`, never a local .dev.vars (which
 * `npm start` writes and a clean clone lacks): tests see the same neighbours on every machine.
 */
export function auxiliaryWorker(service: string, bindings: Record<string, string> = {}) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configOf(service));
  const { modulesRules: _rules, ...options } = workerOptions as typeof workerOptions & {
    modulesRules?: unknown;
  };
  const outdir = join(ROOT, ".build", service);
  const { name, vars } = unstable_readConfig({ config: configOf(service) });
  if (!name) throw new Error(`${service}'s wrangler config has no name`);
  const declared = Object.entries(options.bindings ?? {}).filter(([key]) => key in vars);
  return {
    ...options,
    name,
    modules: true,
    scriptPath: join(outdir, "index.js"),
    modulesRoot: outdir,
    bindings: { ...Object.fromEntries(declared), ...bindings },
  };
}

/** The KV namespace where the event sink keeps what it received (bind it as EVENT_SINK). */
export const EVENT_SINK_KV = "test-event-sink";

/**
 * A consumer standing in for the services that consume these queues, for tests of a producer:
 * it stores every message body in KV (key: event id, or the message id) for tests to read.
 */
export function eventSink(queues: string[]) {
  return {
    name: "test-event-sink",
    modules: true,
    compatibilityDate: "2026-11-01",
    script: `export default {
      async queue(batch, env) {
        for (const message of batch.messages) {
          const key = (message.body && message.body.id) || message.id;
          await env.SINK.put(batch.queue + ":" + key, JSON.stringify(message.body));
          message.ack();
        }
      },
    };`,
    kvNamespaces: { SINK: EVENT_SINK_KV },
    queueConsumers: Object.fromEntries(queues.map((queue) => [queue, { maxBatchTimeout: 0.05 }])),
  };
}

export interface WorkerTestOptions {
  /** The Worker under test: its folder under workers/ ("gateway" is the root config). */
  service: string;
  /** The Workers it calls, run beside it from their bundles (auth gets the test secrets). */
  neighbours?: string[];
  /**
   * Services whose D1 databases every test file starts from freshly migrated: the runner's own
   * as DB, the others as <SERVICE>_DB (shared by id with their auxiliary Worker).
   */
  databases?: string[];
  /** Neighbours' public HTTP APIs for the tests, as binding name -> service (AUTH_HTTP: "auth"). */
  http?: Record<string, string>;
  /** Queues whose messages an event sink keeps for the tests (bound as EVENT_SINK). */
  sinkQueues?: string[];
  /** Extra plain bindings (test-sized limits). */
  bindings?: Record<string, string>;
  /** Extra Miniflare options for the runner (queue consumers...). */
  miniflare?: Record<string, unknown>;
  /** Extra vitest `test` options (timeouts, more include globs). */
  test?: Record<string, unknown>;
}

/** Worker name of a service (its wrangler config's `name`). */
function workerName(service: string): string {
  const { name } = unstable_readConfig({ config: configOf(service) });
  if (!name) throw new Error(`${service}'s wrangler config has no name`);
  return name;
}

/**
 * The vitest config of one Worker's tests: they run inside workerd with the real Workers it calls
 * beside it, a fresh signing key, and each listed database migrated before every test file
 * (lib/testing/setup.ts applies TEST_D1_MIGRATIONS).
 */
export async function workerTestConfig(options: WorkerTestOptions) {
  const { SIGNING_KEYS, PASSWORD_PEPPER, TEST_SIGNING_JWK } = await testSecrets();
  const databases = options.databases ?? [];
  const bindingOf = (service: string) => (service === options.service ? "DB" : `${service.toUpperCase()}_DB`);
  const migrations = Object.fromEntries(
    await Promise.all(
      databases.map(async (service) => [bindingOf(service), await migrationsOf(service)] as const),
    ),
  );
  const d1Databases = Object.fromEntries(
    databases
      .filter((service) => service !== options.service)
      .map((service) => [bindingOf(service), d1IdOf(service)]),
  );
  const workers: object[] = (options.neighbours ?? []).map((service) =>
    service === "auth"
      ? auxiliaryWorker("auth", { SIGNING_KEYS, PASSWORD_PEPPER })
      : auxiliaryWorker(service),
  );
  if (options.sinkQueues?.length) workers.push(eventSink(options.sinkQueues));
  const serviceBindings = Object.fromEntries(
    Object.entries(options.http ?? {}).map(([binding, service]) => [binding, workerName(service)]),
  );
  const configPath = options.service === "gateway" ? "../../wrangler.toml" : "./wrangler.toml";
  const runnerIsAuth = options.service === "auth";
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath },
        miniflare: {
          bindings: {
            TEST_SIGNING_JWK,
            TEST_D1_MIGRATIONS: migrations,
            ...(runnerIsAuth && { SIGNING_KEYS, PASSWORD_PEPPER }),
            ...options.bindings,
          },
          d1Databases,
          ...(options.sinkQueues?.length && { kvNamespaces: { EVENT_SINK: EVENT_SINK_KV } }),
          serviceBindings,
          workers,
          ...options.miniflare,
        },
      }),
    ],
    test: {
      name: options.service,
      include: ["test/**/*.test.ts"],
      setupFiles: [join(ROOT, "lib/testing/setup.ts")],
      silent: "passed-only",
      ...options.test,
    },
  };
}
