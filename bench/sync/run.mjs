// bench/sync: simulated viewers with 20-200 ms round trips and skewed clocks follow the watch-session
// clock sync and playback frames (through the reference client, client.ts) against the real sessions
// Worker and WatchSession on workerd; reports the spread of their computed positions after play, seek,
// rate and pause. See README.md. Usage: npm run bench:sync [-- --quick]
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { environment, writeJson } from "../lib/report.mjs";
import { analyze } from "./analysis.mjs";
import { loadClientLib } from "./client-lib.mjs";
import { printReport } from "./report.mjs";
import { runRound, STEPS } from "./scenario.mjs";
import { registerUsers, startSyncBench } from "./workers.mjs";

const RESULTS = join(import.meta.dirname, "results", "latest.json");

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      clients: { type: "string", default: "50" },
      rounds: { type: "string", default: "4" },
      rtt: { type: "string", default: "20,200" },
      offset: { type: "string", default: "5000" },
      "asym-share": { type: "string", default: "0.25" },
      "asym-max": { type: "string", default: "0.1" },
      jitter: { type: "string", default: "5" },
      "spike-rate": { type: "string", default: "0.05" },
      "spike-ms": { type: "string", default: "30" },
      instants: { type: "string", default: "200,500,1000" },
      goal: { type: "string", default: "50" },
      "sync-timeout": { type: "string", default: "8000" },
      seed: { type: "string", default: "1" },
      "no-build": { type: "boolean", default: false },
      logs: { type: "string" },
    },
  });
  const [rttMin, rttMax] = values.rtt.split(",").map(Number);
  const opts = {
    clients: values.quick ? 20 : Number(values.clients),
    rounds: values.quick ? 1 : Number(values.rounds),
    rttMin,
    rttMax,
    offsetMaxMs: Number(values.offset),
    asymShare: Number(values["asym-share"]),
    asymMax: Number(values["asym-max"]),
    jitterMs: Number(values.jitter),
    spikeRate: Number(values["spike-rate"]),
    spikeMs: Number(values["spike-ms"]),
    instants: values.instants.split(",").map(Number),
    goalMs: Number(values.goal),
    syncTimeoutMs: Number(values["sync-timeout"]),
    seed: Number(values.seed),
    build: !values["no-build"],
    logs: values.logs,
  };
  const bad = Object.entries(opts).filter(
    ([, value]) => typeof value === "number" && !Number.isFinite(value),
  );
  if (bad.length || opts.instants.some(Number.isNaN) || !(opts.asymMax < 0.5) || opts.clients < 2) {
    throw new Error(`bad options: ${bad.map(([key]) => key).join(", ") || "instants, asym-max or clients"}`);
  }
  return opts;
}

/** mulberry32: a small seeded generator, so a run's network and clocks can be drawn again. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const opts = options();
  const log = (line) => console.log(`[bench:sync] ${line}`);
  log(`${opts.build ? "bundling Workers, " : ""}starting workerd...`);
  const lib = await loadClientLib();
  const onLog = opts.logs ? (entry) => appendFileSync(opts.logs, `${entry.message}\n`) : undefined;
  const bench = await startSyncBench({ build: opts.build, onLog });
  try {
    log(`miniflare ${bench.version}, workerd pid ${bench.pid}; registering ${opts.clients} users`);
    const users = await registerUsers(bench.urls[bench.names.auth], opts.clients);
    // Two streams: the clients' paths and clocks (the same for a seed whatever the timing) and the
    // per-frame jitter (drawn as frames flow, so it depends on the timing).
    const random = { profiles: seeded(opts.seed), jitter: seeded(opts.seed ^ 0x9e3779b9) };
    const sessionsUrl = bench.urls[bench.names.sessions];
    const rounds = [];
    for (let round = 1; round <= opts.rounds; round++) {
      log(`round ${round}/${opts.rounds}: ${STEPS.map((step) => step.type).join(", ")}`);
      rounds.push(await runRound({ sessionsUrl, users, lib, random, opts, log }));
    }
    const analysis = analyze(rounds, opts.goalMs);
    printReport(analysis, opts);
    writeJson(RESULTS, {
      environment: environment({ miniflare: bench.version }),
      options: opts,
      clockSync: lib.CLOCK_SYNC_DEFAULTS,
      steps: STEPS,
      analysis,
      rounds,
    });
    log(`results written to ${RESULTS}`);
  } finally {
    await bench.mf.dispose();
  }
}

main().catch((error) => {
  console.error(`[bench:sync] failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
