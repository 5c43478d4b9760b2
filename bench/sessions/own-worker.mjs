// A diagnostic setup (--own-worker): the WatchSession class in a Worker of its own, a small bundle with
// only the Durable Object and what it imports, bound from a copy of the sessions Worker with
// `scriptName`, so the room's isolate no longer holds the sessions Worker's HTTP app (Hono, zod-openapi,
// the routes). Built here by esbuild into .build/bench-watch-session/; nothing in workers/ changes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "../lib/platform.mjs";

export const OWN_WORKER_DIR = join(ROOT, ".build", "bench-watch-session");

/** The entry: the class as the sessions Worker exports it, and a fetch that refuses everything else. */
const ENTRY = `export { WatchSession } from "${join(ROOT, "durable-objects/watch-session/watch-session.ts")}";

export default {
  fetch() {
    return new Response("this Worker only hosts the WatchSession Durable Object", { status: 404 });
  },
};
`;

/**
 * Bundles the WatchSession-only Worker (esbuild, the module conditions wrangler uses for workerd).
 * @returns {Promise<{ scriptPath: string, bytes: number }>}
 */
export async function buildWatchSessionWorker() {
  mkdirSync(OWN_WORKER_DIR, { recursive: true });
  const entry = join(OWN_WORKER_DIR, "entry.ts");
  writeFileSync(entry, ENTRY);
  const scriptPath = join(OWN_WORKER_DIR, "index.js");
  const result = await build({
    entryPoints: [entry],
    outfile: scriptPath,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*"],
    metafile: true,
    logLevel: "warning",
  });
  const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes;
  return { scriptPath, bytes };
}

const FRONT = "bench-sessions-own-worker";
const HOST = "bench-watch-session";

/**
 * The two Workers of the own-Worker variant, as Miniflare options: a copy of the sessions Worker
 * (`sessions`: its options from workerFromConfig) whose WATCH_SESSIONS binding names the class in the
 * host Worker, and the host (the WatchSession bundle, behind `wrap` like the real one). Both see the
 * same sessions index database, of their own (the room's alarm writes it). The front's own
 * WatchSession export is left unused.
 * @param {Record<string, unknown> & { compatibilityDate?: string }} sessions
 * @param {string} hostScript  buildWatchSessionWorker()'s bundle
 * @param {(worker: Record<string, unknown>) => Record<string, unknown>} wrap
 */
export function ownWorkerPair(sessions, hostScript, wrap) {
  const d1Databases = { DB: { id: FRONT } };
  const front = {
    ...sessions,
    name: FRONT,
    d1Databases,
    durableObjects: { WATCH_SESSIONS: { className: "WatchSession", scriptName: HOST, useSQLite: true } },
  };
  const host = wrap({
    name: HOST,
    modules: true,
    scriptPath: hostScript,
    modulesRoot: OWN_WORKER_DIR,
    compatibilityDate: sessions.compatibilityDate,
    compatibilityFlags: sessions.compatibilityFlags,
    d1Databases,
    durableObjects: { WATCH_SESSIONS: { className: "WatchSession", useSQLite: true } },
    // startWorkers() asks every Worker for its URL; nothing is sent to this one.
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  });
  return { front, host };
}
