// bench/social: DeathStarBench's social-network workload on the socfb-Reed98 graph, through Plaza's
// gateway on one workerd (Miniflare's API, no wrangler dev proxy): the mix 60% home timeline, 30% user
// timeline, 10% compose post at a fixed rate, then stepped up to the highest rate it sustains.
// See README.md. Usage: npm run bench:social [-- --quick]
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { openLoopAgent } from "../lib/openloop.mjs";
import { PERF_V8_FLAG, perfAvailable, perfBreakdown, printPerfBreakdown, startPerf } from "../lib/perf.mjs";
import { freePort } from "../lib/platform.mjs";
import { printProfileSummary, startProfiling, summarizeProfiles, writeProfiles } from "../lib/profile.mjs";
import { environment, round, writeJson } from "../lib/report.mjs";
import { DATASET, rng } from "./dataset.mjs";
import { GC_TRACE_FLAG, gcRecorder } from "./gc.mjs";
import { isolatedTargets, measureIsolated } from "./isolated.mjs";
import { measureBuildingBlocks, warmTimelines } from "./micro.mjs";
import { options } from "./options.mjs";
import { ladder, openLoopPhase, sustained } from "./phases.mjs";
import { printReport, verdict } from "./report.mjs";
import { prepareState } from "./state.mjs";
import { verifyTimelines } from "./verify.mjs";
import { buildBundles, startSocialBench } from "./workers.mjs";
import { parseMix, socialWorkload } from "./workload.mjs";

const RESULTS = join(import.meta.dirname, "results", "latest.json");

async function main() {
  const opts = options();
  if (opts.perfFile && !perfAvailable()) throw new Error("--perf needs Linux perf on PATH");
  const started = performance.now();
  const log = (line) => console.log(`[bench:social] ${line}`);
  // The Workers' log lines are counted (the report gives lines per request) and kept only with --logs.
  // With --gc, V8's line per collection is taken apart instead (gc.mjs) and not counted.
  let logLines = 0;
  const gc = opts.gc ? gcRecorder() : undefined;
  const onLog = (entry) => {
    if (!gc?.take(entry)) logLines++;
    if (opts.logs) appendFileSync(opts.logs, `${entry.message}\n`);
  };
  if (opts.build && !opts.bundleDir) {
    log("bundling the Workers...");
    await buildBundles();
  }
  const state = await prepareState({
    datasetPath: DATASET,
    maxUsers: opts.maxUsers,
    seed: opts.seed,
    fanoutLimit: opts.fanoutLimit,
    fresh: opts.fresh,
    disk: opts.disk,
    bundleDir: opts.bundleDir,
    log,
    drainTimeoutMs: 20 * 60_000,
  });
  // Only the measuring workerd traces its collections or names its JIT code for perf (Miniflare passes
  // this variable to workerd).
  const v8Flags = process.env.MINIFLARE_WORKERD_V8_FLAGS;
  const addedFlags = [gc && GC_TRACE_FLAG, opts.perfFile && PERF_V8_FLAG].filter(Boolean);
  if (addedFlags.length > 0) {
    process.env.MINIFLARE_WORKERD_V8_FLAGS = [v8Flags, ...addedFlags].filter(Boolean).join(" ");
  }
  const restoreV8Flags = () => {
    if (addedFlags.length === 0) return;
    if (v8Flags === undefined) delete process.env.MINIFLARE_WORKERD_V8_FLAGS;
    else process.env.MINIFLARE_WORKERD_V8_FLAGS = v8Flags;
  };
  const bench = await startSocialBench({
    build: false,
    bundleDir: opts.bundleDir,
    persistDir: state.workDir,
    migrate: false,
    signingKey: state.meta.signingKey,
    queueBatchSize: opts.queueBatch,
    queueBatchTimeout: opts.queueTimeout,
    fanoutLimit: state.fanoutLimit,
    onLog,
    inspectorPort: opts.profileDir ? await freePort() : undefined,
  }).finally(restoreV8Flags);
  const agent = openLoopAgent(512);
  const { drainWindowMs } = bench;
  try {
    log(
      `miniflare ${bench.version}, workerd pid ${bench.pid}, the feed's fan-out limit ${state.fanoutLimit}`,
    );
    const urls = {
      gateway: bench.urls[bench.names.gateway],
      feed: bench.urls[bench.names.feed],
      posts: bench.urls[bench.names.posts],
    };
    const common = { meta: state.meta, graph: state.graph, urls };
    const latest = socialWorkload({ ...common, random: rng(opts.seed + 1), mix: opts.mix });
    const ranked = socialWorkload({ ...common, random: rng(opts.seed + 2), order: "ranked" });
    const checked = await verifyTimelines({ gatewayUrl: urls.gateway, workload: latest, sample: 12 });
    await warmTimelines(
      bench.urls[bench.names.probe],
      state.meta.users.map((user) => user.id),
    );
    log(`timelines as expected for ${checked} sampled users; all ${state.meta.users.length} opened once`);
    // Opened together, the Timelines would be evicted together 10 s later: a stall of the one thread
    // (about 0.2 ms an object) that the workload did not cause. Let that wave pass first.
    log(`waiting ${opts.settleMs / 1000} s for workerd to evict the idle Timelines before measuring`);
    await new Promise((resolve) => setTimeout(resolve, opts.settleMs));

    const results = { environment: environment({ miniflare: bench.version }), options: opts };
    results.setup = {
      key: state.key,
      reused: state.reused,
      fanoutLimit: state.fanoutLimit,
      counts: state.meta.counts,
      timings: state.meta.timings,
    };
    const phase = (rate, durationMs, name) =>
      openLoopPhase({
        pid: bench.pid,
        rate,
        durationMs,
        next: latest.mixed,
        agent,
        log,
        name,
        drainWindowMs,
        gc,
      });
    if (opts.micro) {
      results.building = await measureBuildingBlocks({
        probeUrl: bench.urls[bench.names.probe],
        pid: bench.pid,
        meta: state.meta,
        timelines: latest.timelines,
        rounds: Math.max(1, opts.rounds),
        n: opts.microCalls,
        log,
      });
    }
    if (opts.isolated) {
      const targets = isolatedTargets({ latest, ranked });
      results.isolated = await measureIsolated(targets, {
        pid: bench.pid,
        rounds: opts.rounds,
        durationMs: opts.isolatedMs,
        drainWindowMs,
        log,
      });
    }
    await phase(opts.rate, opts.warmupMs, "warm-up");
    const linesBefore = logLines;
    const profiling = opts.profileDir
      ? await startProfiling(bench.inspectorPort, { only: opts.profileOnly })
      : null;
    const recording = opts.perfFile ? startPerf(bench.pid, opts.perfFile) : null;
    results.fixed = profiling
      ? // Profiled: the queue work left behind is waited for after the profiler stops (it slows it).
        await openLoopPhase({
          pid: bench.pid,
          rate: opts.rate,
          durationMs: opts.durationMs,
          next: latest.mixed,
          agent,
          log,
          name: `fixed ${opts.rate}/s, profiled`,
          drain: false,
          drainWindowMs,
          gc,
        })
      : await phase(opts.rate, opts.durationMs, `fixed ${opts.rate}/s`);
    if (recording) {
      // The recording spans the run and the queue work it left, as the CPU per request "with queue work" does.
      results.perf = await perfBreakdown(await recording.stop());
      printPerfBreakdown(results.perf, { cpuUsPerRequest: results.fixed.cpuUsPerRequestWithDrain });
      log(
        `perf recording of the fixed-rate run: perf report -i ${opts.perfFile} (JIT names: /tmp/perf-${bench.pid}.map)`,
      );
    }
    if (profiling) {
      // Diagnostic: the samples cost CPU, so this run's latencies are not comparable with others'.
      const profiles = await profiling.stop();
      writeProfiles(profiles, opts.profileDir);
      const summary = summarizeProfiles(profiles);
      printProfileSummary(summary, { requests: results.fixed.ops.all.ok });
      writeJson(join(opts.profileDir, "summary.json"), summary);
      log(`CPU profiles of the fixed-rate run written to ${opts.profileDir}`);
    }
    const answered = results.fixed.ops.all.ok + results.fixed.ops.all.failed;
    results.fixed.logLinesPerRequest = round((logLines - linesBefore) / answered, 2);
    results.verdict = verdict(results.fixed);
    if (opts.readsOnly && opts.mix.compose > 0) {
      // The same rate without composes: what the feed's fan-out (queue consumer) does to the reads.
      const mix = parseMix(`${opts.mix.home},${opts.mix.user},0`);
      const reads = socialWorkload({ ...common, random: rng(opts.seed + 3), mix });
      results.readsOnly = await openLoopPhase({
        pid: bench.pid,
        rate: opts.rate,
        durationMs: opts.readsOnlyMs,
        next: reads.mixed,
        agent,
        log,
        name: `reads only ${opts.rate}/s`,
        drainWindowMs,
        gc,
      });
    }
    const first = sustained(results.fixed, opts.sloMs);
    Object.assign(results.fixed, { sustained: first.ok, reasons: first.reasons });
    if (opts.steps) {
      // Up from the fixed rate while it holds; down from it when the fixed rate already did not.
      const down = !first.ok;
      results.steps = await ladder({
        rates: down ? opts.ratesDown.filter((r) => r < opts.rate) : opts.rates.filter((r) => r > opts.rate),
        down,
        stepMs: opts.stepMs,
        budgetMs: opts.stepBudgetMs,
        sloMs: opts.sloMs,
        run: (rate) => phase(rate, opts.stepMs, `step ${rate}/s`),
        log,
      });
      if (!down) results.steps.highest ??= opts.rate;
    }
    results.totalSeconds = Math.round((performance.now() - started) / 1000);
    printReport(results);
    const out = opts.out ?? RESULTS;
    writeJson(out, results);
    log(`results written to ${out} (${results.totalSeconds} s in all)`);
  } finally {
    agent.destroy();
    await bench.mf.dispose();
    state.cleanup();
  }
}

main().catch((error) => {
  console.error(`[bench:social] failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
