// Workers on workerd through Miniflare's API (no wrangler dev proxy in front): options from each
// Worker's wrangler config and its bundle from scripts/build.mjs, a direct socket per Worker, D1
// migrations, and the workerd process id for CPU accounting.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { freePort } from "../../scripts/workers.mjs";
import { findChildProcesses } from "./cpu.mjs";

/** A loopback port free right now (say, for workerd's inspector). */
export { freePort };

export const ROOT = resolve(import.meta.dirname, "../..");

/**
 * The Miniflare that the installed wrangler runs (its own nested copy when npm did not hoist it:
 * the top-level node_modules/miniflare may be the older one @cloudflare/vitest-plugin pins).
 */
export async function loadMiniflare() {
  const require = createRequire(import.meta.url);
  const wranglerPackage = require.resolve("wrangler/package.json");
  const path = createRequire(wranglerPackage).resolve("miniflare");
  const miniflare = await import(pathToFileURL(path).href);
  const { version } = JSON.parse(readFileSync(join(dirname(path), "../../package.json"), "utf8"));
  return { ...miniflare, version };
}

/**
 * A Worker as Miniflare (v4-shaped) options: its wrangler config's bindings, its prebuilt bundle,
 * a direct socket on a free loopback port, and `overrides` on top (bindings are merged).
 * @param {string} configPath  the Worker's wrangler.toml
 * @param {string} bundlePath  .build/<name>/index.js from scripts/build.mjs
 * @param {Record<string, unknown> & { bindings?: Record<string, unknown> }} [overrides]
 */
export function workerFromConfig(configPath, bundlePath, overrides = {}) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const { modulesRules: _rules, rootPath: _root, ...options } = workerOptions;
  const { name } = unstable_readConfig({ config: configPath });
  if (!name) throw new Error(`${configPath} has no name`);
  return {
    ...options,
    name,
    modules: true,
    scriptPath: bundlePath,
    modulesRoot: dirname(bundlePath),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    ...overrides,
    bindings: { ...(options.bindings ?? {}), ...(overrides.bindings ?? {}) },
  };
}

/** A Worker written inline (an ES module as a string), with its own direct socket. */
export function inlineWorker(name, script, options = {}) {
  return {
    name,
    modules: true,
    script,
    compatibilityDate: "2026-11-01",
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    ...options,
  };
}

/**
 * Starts one workerd with all the Workers. Worker logs go to `onLog` (default: dropped), so a
 * benchmark's output stays readable; the Workers still pay for writing them.
 * @param {Record<string, unknown>[]} workers  v4-shaped worker options (workerFromConfig, inlineWorker)
 * @param {{ onLog?: (log: object) => void, shared?: Record<string, unknown> }} [options]
 *   shared: more of Miniflare's shared (v4-shaped) options, say `resourcePersistencePath` to keep
 *   D1, KV and Durable Object storage in a folder across runs (default: a temporary one)
 * @returns {Promise<{ mf: import("miniflare").Miniflare, pid: number, urls: Record<string, string>,
 *   version: string }>}
 */
export async function startWorkers(workers, { onLog = () => {}, shared = {} } = {}) {
  const { Miniflare, convertV4MiniflareOptions, version } = await loadMiniflare();
  workers = withoutAbsentServices(workers);
  if (!shared.resourcePersistencePath && process.env.BENCH_STORAGE !== "default") {
    shared = { ...shared, resourcePersistencePath: scratchStorage() };
  }
  const before = new Set(findChildProcesses("workerd"));
  const options = convertV4MiniflareOptions({
    ...shared,
    workers,
    handleStructuredLogs: onLog,
    telemetry: { enabled: false },
  });
  const mf = new Miniflare(options);
  await mf.ready;
  const started = findChildProcesses("workerd").filter((pid) => !before.has(pid));
  if (started.length !== 1) {
    await mf.dispose();
    throw new Error(`expected one new workerd process, found ${started.length}`);
  }
  const urls = {};
  for (const worker of workers) urls[worker.name] = (await mf.unsafeGetDirectURL(worker.name)).href;
  return { mf, pid: started[0], urls, version };
}

/**
 * Where Durable Objects, D1 and KV keep their data during a run: a fresh folder in /dev/shm when
 * the machine has one (removed at exit). Local workerd commits each storage write with an fsync on
 * the thread that runs every object's JavaScript, so on a disk a room that stores each message
 * stalls every room beside it: a cost of this machine's disk, not of the platform (a Durable
 * Object's commits do not block its isolate in production). BENCH_STORAGE=default keeps
 * Miniflare's own temporary folder, to see the disk's share.
 */
function scratchStorage() {
  const dir = mkdtempSync(join(existsSyncShm() ? "/dev/shm" : tmpdir(), "plaza-bench-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function existsSyncShm() {
  try {
    return readdirSync("/dev/shm") !== null;
  } catch {
    return false;
  }
}

/**
 * A benchmark runs the Workers its path needs, not the whole platform; workerd refuses to start
 * when a service binding names a Worker that is not there, so those bindings are left out (the
 * gateway's /health then reports nothing about them; nothing measured calls them).
 */
function withoutAbsentServices(workers) {
  const present = new Set(workers.map((worker) => worker.name));
  const targetOf = (binding) => (typeof binding === "string" ? binding : binding?.name);
  return workers.map((worker) => {
    if (!worker.serviceBindings) return worker;
    const kept = Object.entries(worker.serviceBindings).filter(([, binding]) => {
      const target = targetOf(binding);
      return typeof target !== "string" || present.has(target);
    });
    return { ...worker, serviceBindings: Object.fromEntries(kept) };
  });
}

/**
 * Applies a folder of drizzle-kit SQL migrations in file order. Statements are split on drizzle's
 * breakpoint marker, not on ";" (a trigger body holds several statements).
 */
export async function applyMigrations(mf, workerName, dir, binding = "DB") {
  const db = await mf.getD1Database(binding, workerName);
  const files = readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = readFileSync(join(dir, file), "utf8")
      .split("--> statement-breakpoint")
      .map((statement) => statement.trim())
      .filter(Boolean);
    await db.batch(statements.map((statement) => db.prepare(statement)));
  }
  return files;
}
