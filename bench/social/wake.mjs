// What waking a Durable Object costs: workerd's CPU per call on objects just evicted (idle past
// workerd's 10 s) against the same objects warm, for a bare object, a SQLite one, and the feed's
// Timeline (a newest-first read and a one-entry fan-out write), in interleaved rounds on one
// workerd. With --against DIR, a second feed bundle's Timeline is measured beside the first
// (a same-run A/B of a Timeline change). README.md, "What a woken object costs".
//
//   node bench/social/wake.mjs [--objects 200] [--rounds 3] [--followees 40] [--bundles DIR] [--against DIR]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { workerBundles } from "../lib/bundles.mjs";
import { processCpuMs } from "../lib/cpu.mjs";
import { medians, withCpu } from "../lib/interleave.mjs";
import { inlineWorker, ROOT, startWorkers, workerFromConfig } from "../lib/platform.mjs";
import { formatTable, round } from "../lib/report.mjs";

/** workerd evicts an object idle for 10 s; a little more makes sure the whole wave has passed. */
const IDLE_MS = 12_500;

const { values } = parseArgs({
  options: {
    objects: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    followees: { type: "string", default: "40" },
    bundles: { type: "string" },
    against: { type: "string" },
    "no-build": { type: "boolean", default: false },
  },
});
const objects = Number(values.objects);
const rounds = Number(values.rounds);
const followees = Number(values.followees);

/** The feed Worker reduced to its Timeline class (no queues, no services), under its own name. */
function timelineWorker(name, bundlePath) {
  const feed = workerFromConfig(join(ROOT, "workers/feed/wrangler.toml"), bundlePath);
  return {
    name,
    modules: true,
    scriptPath: feed.scriptPath,
    modulesRoot: feed.modulesRoot,
    compatibilityDate: feed.compatibilityDate,
    compatibilityFlags: feed.compatibilityFlags,
    bindings: feed.bindings,
    durableObjects: { TIMELINES: { className: "Timeline", useSQLite: true } },
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  };
}

const PROBE = `
import { DurableObject } from "cloudflare:workers";

/** The floor: an object that does nothing. */
export class Bare extends DurableObject {
  async touch() { return 1; }
}

/** An object with one SQLite table that reads one row by key (its constructor makes sure of the table). */
export class Sqlite extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)");
  }
  async touch() { return this.ctx.storage.sql.exec("SELECT v FROM kv WHERE k = 'x'").toArray().length; }
}

const entry = (postId, authorId, createdAt) => ({ postId, authorId, sharedPostId: null, createdAt });

export default {
  async fetch(request, env) {
    const { binding, op, group, count, followees } = await request.json();
    const ns = env[binding];
    // Each measured call has objects of its own: one call's pass must not wake another's objects.
    const stub = (i) => ns.get(ns.idFromName("wake-" + group + "-" + i));
    for (let i = 0; i < count; i++) {
      if (op === "touch") await stub(i).touch();
      else if (op === "read") await stub(i).readState({ limit: 11, before: null, affinity: false });
      else if (op === "fan-out") await stub(i).addPosts([entry("pst_w" + Date.now() + "_" + i, "usr_f1", Date.now())]);
      else if (op === "setup") {
        // A timeline like the benchmark's: this many followees with 10 posts each (at most 1,000 kept).
        for (let f = 0; f < followees; f++) {
          const posts = Array.from({ length: 10 }, (_, k) => entry("pst_" + f + "_" + k, "usr_f" + f, 1000 + f * 10 + k));
          await stub(i).follow({ authorId: "usr_f" + f, at: 1, big: false, posts });
        }
      } else return new Response("unknown op " + op, { status: 400 });
    }
    return new Response("ok");
  },
};`;

const bundles = await workerBundles(["feed"], { build: !values["no-build"], bundleDir: values.bundles });
const timelines = [{ label: "Timeline", worker: "wake-feed", binding: "TIMELINES" }];
const workers = [timelineWorker("wake-feed", bundles.feed)];
if (values.against) {
  timelines.push({ label: "Timeline (--against)", worker: "wake-feed-b", binding: "TIMELINES_B" });
  workers.push(timelineWorker("wake-feed-b", join(values.against, "feed", "index.js")));
}
const probe = inlineWorker("wake-probe", PROBE, {
  durableObjects: {
    BARE: { className: "Bare", useSQLite: true },
    SQLITE: { className: "Sqlite", useSQLite: true },
    ...Object.fromEntries(
      timelines.map(({ worker, binding }) => [
        binding,
        { className: "Timeline", scriptName: worker, useSQLite: true },
      ]),
    ),
  },
});
const platform = await startWorkers([...workers, probe]);
const url = platform.urls["wake-probe"];

async function call(binding, op, group = op) {
  const response = await fetch(url, {
    method: "POST",
    body: JSON.stringify({ binding, op, group, count: objects, followees }),
  });
  if (!response.ok) throw new Error(`${binding} ${op}: ${response.status} ${await response.text()}`);
}
const cpuPerCall = async (binding, op) =>
  round(((await withCpu(platform.pid, () => call(binding, op))).serverCpuMsFine * 1000) / objects, 0);

const targets = [
  { label: "bare object, no-op", binding: "BARE", op: "touch" },
  { label: "SQLite object, 1-row read", binding: "SQLITE", op: "touch" },
  ...timelines.flatMap(({ label, binding }) => [
    { label: `${label} readState (newest first)`, binding, op: "read" },
    { label: `${label} addPosts(1) (fan-out)`, binding, op: "fan-out" },
  ]),
];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  console.log(`[wake] ${objects} objects per target, ${followees} followees per timeline, ${rounds} rounds`);
  for (const { binding, op } of targets) await call(binding, op === "touch" ? "touch" : "setup", op);
  const runs = Object.fromEntries(targets.map(({ label }) => [label, []]));
  const evictions = [];
  for (let r = 0; r < rounds; r++) {
    const before = processCpuMs(platform.pid);
    await sleep(IDLE_MS);
    const everyone = targets.length * objects;
    evictions.push(((processCpuMs(platform.pid) - before) * 1000) / everyone);
    // Every object was evicted in the wait: each target's first pass wakes them, the second finds them warm.
    const order = r % 2 ? [...targets].reverse() : targets;
    for (const target of order) {
      const cold = await cpuPerCall(target.binding, target.op);
      const warm = await cpuPerCall(target.binding, target.op);
      runs[target.label].push({ cold, warm, wake: cold - warm });
    }
    console.log(`[wake] round ${r + 1}/${rounds}`);
  }
  const rows = targets.map(({ label }) => {
    const m = medians(runs[label], ["cold", "warm", "wake"]);
    return [label, m.cold, m.warm, m.wake, runs[label].map((run) => run.cold).join(" ")];
  });
  console.log(
    `\n${formatTable(["call", "woken us", "warm us", "woken - warm", "woken, every round"], rows)}`,
  );
  const evicted = [...evictions].sort((a, b) => a - b)[evictions.length >> 1];
  console.log(
    `\nworkerd CPU during each ${IDLE_MS / 1000} s idle wait (the evictions, and the process's idle work), per object: ${round(evicted, 0)} us (median of ${rounds})`,
  );
} finally {
  await platform.mf.dispose();
}
