// The measured phases: open-loop runs of the mix at a fixed rate (with workerd's CPU over the run and
// over the queue work it leaves behind), the step-up to the highest sustained rate, and closed-loop
// runs of one operation at a time (latency without queueing, CPU per operation).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { processCpuMs } from "../lib/cpu.mjs";
import { withCpu } from "../lib/interleave.mjs";
import { percentile } from "../lib/load.mjs";
import { runOpenLoop } from "../lib/openloop.mjs";
import { round } from "../lib/report.mjs";
import { threadMeter } from "../lib/threads.mjs";
import { describeGc, describeIsolates, gcDuring } from "./gc.mjs";
import { waitForDrain } from "./setup.mjs";
import { itemsIn } from "./workload.mjs";

/** p50/p90/p99/max (ms) and counts of each operation, and of all of them together ("all"). */
export function summarizeOps(ops, seconds) {
  const summary = {};
  const all = { latencies: [], ok: 0, failed: 0, samples: [], items: 0 };
  for (const [op, stats] of [...Object.entries(ops).sort(), ["all", all]]) {
    if (op !== "all") {
      all.latencies.push(...stats.latencies);
      all.ok += stats.ok;
      all.failed += stats.failed;
      all.samples.push(...stats.samples.slice(0, 2));
    }
    const sorted = Float64Array.from(stats.latencies).sort();
    summary[op] = {
      ok: stats.ok,
      failed: stats.failed,
      rps: round(stats.ok / seconds, 1),
      p50: round(percentile(sorted, 50), 2),
      p90: round(percentile(sorted, 90), 2),
      p99: round(percentile(sorted, 99), 2),
      max: round(sorted.at(-1) ?? Number.NaN, 2),
      itemsPerRead: op === "compose" || op === "all" ? null : round(stats.items / (stats.ok || 1), 2),
      samples: stats.samples.slice(0, 3),
    };
  }
  return summary;
}

/**
 * When the slowest 1% of a run's requests were scheduled, by second of the run: whether the tail is
 * spread out (queueing) or comes in a few bursts (a stall of the one thread holds up everything that
 * arrives meanwhile). Returns the number of distinct seconds, the three fullest, and the threshold.
 */
export function tailSeconds(ops) {
  const all = Object.values(ops).flatMap((stats) =>
    stats.latencies.map((latency, i) => ({ latency, second: Math.floor((stats.starts?.[i] ?? 0) / 1000) })),
  );
  if (all.length === 0) return { count: 0, seconds: 0, fullest: [], thresholdMs: Number.NaN };
  const sorted = all.map((r) => r.latency).sort((a, b) => a - b);
  const threshold = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  const bySecond = new Map();
  for (const { latency, second } of all) {
    if (latency >= threshold) bySecond.set(second, (bySecond.get(second) ?? 0) + 1);
  }
  const fullest = [...bySecond.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return {
    // The latency from which a request is among the slowest 1%.
    thresholdMs: threshold,
    count: [...bySecond.values()].reduce((a, b) => a + b, 0),
    seconds: bySecond.size,
    fullest: fullest.map(([second, count]) => ({ second, count })),
  };
}

/** Waits for the queue work a phase left (compose fan-out) and returns the CPU it took. */
async function drainCost(pid, windowMs, log) {
  const before = processCpuMs(pid);
  const begin = performance.now();
  await waitForDrain(pid, { timeoutMs: 120_000, windowMs, log });
  return { drainCpuMs: processCpuMs(pid) - before, drainMs: performance.now() - begin };
}

/**
 * One open-loop run of the mix at `rate` requests/s.
 * @param {{ pid: number, rate: number, durationMs: number, next: () => any, agent: any,
 *   log: (line: string) => void, name: string, drain?: boolean, drainWindowMs: number,
 *   gc?: ReturnType<typeof import("./gc.mjs").gcRecorder> }} options
 *   gc: the collections workerd reported (--gc), to set against this phase's requests
 */
export async function openLoopPhase(options) {
  const { pid, rate, durationMs, next, agent, log, name, drain = true, drainWindowMs, gc } = options;
  const threads = threadMeter(pid);
  // The client shares a process with Miniflare: a stall of its event loop delays answers too.
  const clientDelay = monitorEventLoopDelay({ resolution: 5 });
  threads.start();
  clientDelay.enable();
  const cost = await withCpu(pid, () => runOpenLoop({ rate, durationMs, next, agent, inspect: itemsIn }));
  clientDelay.disable();
  const { busiestThreadShare } = threads.stop();
  const run = cost.result;
  const seconds = run.scheduleMs / 1000;
  const ops = summarizeOps(run.ops, seconds);
  const done = ops.all.ok + ops.all.failed;
  const tail = tailSeconds(run.ops);
  const after = drain ? await drainCost(pid, drainWindowMs, log) : { drainCpuMs: 0, drainMs: 0 };
  const phase = {
    name,
    rate,
    seconds: round(seconds, 1),
    scheduled: run.scheduled,
    sent: run.sent,
    late: run.late,
    skipped: run.skipped,
    maxLagMs: round(run.maxLagMs, 1),
    tailMs: round(run.elapsedMs - run.scheduleMs, 0),
    achievedRps: round(ops.all.ok / seconds, 1),
    cpuUsPerRequest: round((cost.serverCpuMs * 1000) / done, 0),
    cpuUsPerRequestWithDrain: round(((cost.serverCpuMs + after.drainCpuMs) * 1000) / done, 0),
    workerdCores: round(cost.serverCpuMs / cost.wallMs, 2),
    // workerd runs the Workers on one thread: near 1, requests queue behind each other.
    busiestThread: round(busiestThreadShare, 2),
    clientCpuUsPerRequest: round((cost.clientCpuMs * 1000) / done, 0),
    // How late the client's own event loop ran its timers (ms): what of the tail is the client's.
    clientLoopDelayMs: {
      p99: round(clientDelay.percentile(99) / 1e6, 1),
      max: round(clientDelay.max / 1e6, 1),
    },
    otherLoad: round(cost.otherLoad, 2),
    drainSeconds: round(after.drainMs / 1000, 1),
    tail,
    ...(gc && { gc: gcDuring(gc.pauses, run, tail.thresholdMs) }),
    ops,
  };
  log(
    `${name}: ${rate}/s offered, ${phase.achievedRps}/s answered, p50/p99 ms ` +
      `${["home", "user", "compose"].flatMap((op) => (ops[op] ? [`${op} ${ops[op].p50}/${ops[op].p99}`] : [])).join(" ")},` +
      ` ${phase.cpuUsPerRequest} us CPU/req (${phase.cpuUsPerRequestWithDrain} with queue work),` +
      ` busiest thread ${Math.round(phase.busiestThread * 100)}%,` +
      ` failed ${ops.all.failed}, late ${run.late},` +
      ` client loop delay p99/max ${phase.clientLoopDelayMs.p99}/${phase.clientLoopDelayMs.max} ms`,
  );
  // Why requests failed (a status and the start of its body, a socket error, a timeout): the
  // first few, so a failed count says what to look for.
  if (ops.all.failed > 0) log(`${name}: failures, the first of them: ${ops.all.samples.join("; ")}`);
  log(
    `${name}: the slowest 1% (${tail.count}) were scheduled in ${tail.seconds} of ${Math.ceil(seconds)} seconds` +
      (tail.fullest.length
        ? `, most in ${tail.fullest.map((f) => `s${f.second}: ${f.count}`).join(", ")}`
        : ""),
  );
  if (phase.gc) {
    log(describeGc(name, phase.gc));
    for (const line of describeIsolates(name, phase.gc)) log(line);
  }
  return phase;
}

/**
 * Whether a rate was sustained: at most 1% failed (or skipped) and 1% started late, answers kept up
 * (the last one within a second of the schedule's end), and the p99 of every operation within `sloMs`.
 */
export function sustained(phase, sloMs) {
  const reasons = [];
  if (phase.ops.all.failed > phase.scheduled * 0.01) reasons.push(`${phase.ops.all.failed} failed`);
  if (phase.late > phase.scheduled * 0.01) reasons.push(`${phase.late} started late (client behind)`);
  if (phase.tailMs > 1000) reasons.push(`answers ${phase.tailMs} ms behind the schedule`);
  for (const [op, stats] of Object.entries(phase.ops)) {
    if (op !== "all" && !(stats.p99 <= sloMs)) reasons.push(`${op} p99 ${stats.p99} ms > ${sloMs} ms`);
  }
  return { ok: reasons.length === 0, reasons };
}

/**
 * Tries `rates` in order: going up, stops at the first rate not sustained; going down (when the fixed
 * rate was not sustained), stops at the first one that is. Bounded by `budgetMs`.
 * @returns {Promise<{ steps: any[], highest: number | null, stoppedBecause: string }>}
 */
export async function ladder({ rates, down = false, stepMs, budgetMs, sloMs, run, log }) {
  const steps = [];
  const begin = performance.now();
  let highest = null;
  for (const rate of rates) {
    if (performance.now() - begin + stepMs > budgetMs) {
      return { steps, highest, stoppedBecause: `time budget (${budgetMs / 1000} s) used` };
    }
    const phase = await run(rate);
    const verdict = sustained(phase, sloMs);
    steps.push({ ...phase, sustained: verdict.ok, reasons: verdict.reasons });
    if (verdict.ok) {
      highest = rate;
      if (down) return { steps, highest, stoppedBecause: `${rate}/s was sustained` };
    } else {
      log(`  ${rate}/s not sustained: ${verdict.reasons.join("; ")}`);
      if (!down) return { steps, highest, stoppedBecause: `${rate}/s: ${verdict.reasons.join("; ")}` };
    }
  }
  return {
    steps,
    highest,
    stoppedBecause: down ? "no rate of the ladder was sustained" : "the ladder's top was sustained",
  };
}
