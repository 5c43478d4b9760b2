// Shared pieces of the per-Worker vitest configs (run in Node, not in workerd).
import { join, resolve } from "node:path";
import { readD1Migrations } from "@cloudflare/vitest-plugin";
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
 */
export function auxiliaryWorker(service: string, bindings: Record<string, string> = {}) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configOf(service));
  const { modulesRules: _rules, ...options } = workerOptions as typeof workerOptions & {
    modulesRules?: unknown;
  };
  const outdir = join(ROOT, ".build", service);
  const { name } = unstable_readConfig({ config: configOf(service) });
  if (!name) throw new Error(`${service}'s wrangler config has no name`);
  return {
    ...options,
    name,
    modules: true,
    scriptPath: join(outdir, "index.js"),
    modulesRoot: outdir,
    bindings: { ...(options.bindings ?? {}), ...bindings },
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
