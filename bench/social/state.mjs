// The built social graph, kept between runs: setup through the real services costs minutes of workerd
// CPU for the whole graph (about 10 ms a follow), so its storage (D1, KV, Durable Objects) is built
// once into bench/social/.state/<key>/ (git-ignored) and each run works on a fresh copy of it.
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../lib/platform.mjs";
import { loadGraph, rng } from "./dataset.mjs";
import { buildSocialGraph } from "./setup.mjs";
import { fanoutLimitOf, startSocialBench } from "./workers.mjs";

export const STATE_ROOT = join(import.meta.dirname, ".state");
/** Bump when the setup's output changes in a way the hashed files do not show. */
const FORMAT = 1;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((file) => join(dir, String(file)))
    .filter((path) => statSync(path).isFile())
    .sort();
}

/**
 * What the built state depends on: the dataset, the options that shape it (the feed's fan-out
 * limit among them: the timelines keep which authors were fanned out and which are merged at
 * read), the storage schemas (D1 migrations, the Timeline's own tables) and the setup code. Not
 * the services' code: after changing what a follow or a post does to storage, rebuild with --fresh.
 */
/** The services whose D1 databases the built state holds (bench/social/workers.mjs migrates them). */
const MIGRATED = ["auth", "media", "notifications", "posts", "sessions", "users"];

export function stateKey({ datasetPath, users, seed, fanoutLimit }) {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ FORMAT, users, seed, fanoutLimit }));
  const files = [
    datasetPath,
    // Only the databases this benchmark runs (other services' new migrations do not change it).
    ...MIGRATED.flatMap((service) => filesUnder(join(ROOT, "migrations", service))),
    join(ROOT, "durable-objects/timeline/schema.ts"),
    ...["dataset.mjs", "setup.mjs", "setup-worker.mjs"].map((file) => join(import.meta.dirname, file)),
  ];
  for (const file of files) hash.update(file.replace(ROOT, "")).update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/** Keeps the `keep` most recently built states (each is tens to hundreds of MB) and drops the rest. */
function pruneOld(keep = 3) {
  if (!existsSync(STATE_ROOT)) return;
  const entries = readdirSync(STATE_ROOT)
    .map((name) => ({ name, at: statSync(join(STATE_ROOT, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { name } of entries.slice(keep))
    rmSync(join(STATE_ROOT, name), { recursive: true, force: true });
}

/** Where workerd's storage lives while it works: tmpfs when there is one (no disk waits), or tmp. */
function scratchRoot(disk) {
  return !disk && existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

/** Builds the graph with its own workerd (a large queue batch: setup only), then keeps it in `dir`. */
async function build(dir, { bundleDir, graph, seed, fanoutLimit, log, drainTimeoutMs, disk }) {
  const scratch = mkdtempSync(join(scratchRoot(disk), "plaza-bench-social-build-"));
  try {
    const bench = await startSocialBench({
      build: false,
      bundleDir,
      persistDir: scratch,
      migrate: true,
      queueBatchSize: 100,
      queueBatchTimeout: 1,
      fanoutLimit,
    });
    let meta;
    try {
      const built = await buildSocialGraph({
        setupUrl: bench.urls[bench.names.setup],
        pid: bench.pid,
        signingKey: bench.signingKey,
        fanoutLimit,
        graph,
        random: rng(seed),
        log,
        drainTimeoutMs,
        drainWindowMs: bench.drainWindowMs,
      });
      meta = {
        format: FORMAT,
        createdAt: new Date().toISOString(),
        signingKey: bench.signingKey,
        counts: built.counts,
        timings: built.timings,
        users: built.users.map(({ id, handle }) => ({ id, handle })),
        postsBy: built.postsBy.map((posts) => posts.map(({ id, createdAt }) => [id, createdAt])),
      };
    } finally {
      await bench.mf.dispose();
    }
    rmSync(dir, { recursive: true, force: true });
    cpSync(scratch, join(dir, "data"), { recursive: true });
    writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
    return meta;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The built state for these options (built now when missing or when `fresh`), copied to a working
 * folder for this run (in /dev/shm when there is one, unless `disk`: then in the system's tmp).
 * @returns {Promise<{ key: string, reused: boolean, meta: any, workDir: string, graph: any,
 *   fanoutLimit: number, cleanup: () => void }>}
 */
export async function prepareState(options) {
  const { datasetPath, maxUsers, seed, fresh, bundleDir, log, drainTimeoutMs, disk } = options;
  const graph = loadGraph({ path: datasetPath, maxUsers });
  const fanoutLimit = fanoutLimitOf(options.fanoutLimit);
  const key = stateKey({ datasetPath, users: graph.users, seed, fanoutLimit });
  const dir = join(STATE_ROOT, key);
  const metaPath = join(dir, "meta.json");
  const reused = !fresh && existsSync(metaPath);
  pruneOld();
  let meta;
  if (reused) {
    meta = JSON.parse(readFileSync(metaPath, "utf8"));
    log(`reusing the graph built ${meta.createdAt} (bench/social/.state/${key}; --fresh rebuilds it)`);
  } else {
    log(
      `building the graph (${graph.users} users, ${graph.edges.length} edges) into bench/social/.state/${key}`,
    );
    meta = await build(dir, { bundleDir, graph, seed, fanoutLimit, log, drainTimeoutMs, disk });
  }
  const workDir = mkdtempSync(join(scratchRoot(disk), "plaza-bench-social-"));
  cpSync(join(dir, "data"), workDir, { recursive: true });
  const cleanup = () => rmSync(workDir, { recursive: true, force: true });
  return { key, reused, meta, workDir, graph, fanoutLimit, cleanup };
}
