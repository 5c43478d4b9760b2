// Interleaved measurement: every round runs each target once (A, B, C, A, B, C ...), so slow drifts of a
// shared machine hit all targets alike. Per run: requests/s, latency, and the server's CPU per request.
import { setTimeout as sleep } from "node:timers/promises";
import { cpuMeter, machineBusyMs } from "./cpu.mjs";
import { keepAliveAgent, latencySummary, median, runLoad } from "./load.mjs";

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {string} url
 * @property {(index: number) => Record<string, string>} [headers]  headers of the index-th request of a run
 * @property {number} [connections]  this target's concurrency, instead of the shared one (1: latency alone)
 * @property {number} [durationMs]  this target's run length, instead of the shared one
 * @property {(run: { maxRequests: number, durationMs: number, previous?: RunResult }) =>
 *   number | undefined | Promise<number | undefined>} [prepare]  before each run, unmeasured; may return
 *   a lower request cap for the run (say, the number of single-use tokens it prepared)
 *
 * @typedef {object} RunResult
 * @property {number} requests
 * @property {number} rps
 * @property {number} cpuUsPerRequest  server CPU (/proc ticks) over the run / requests
 * @property {number} cpuUsPerRequestFine  the same from per-thread schedstat (ns resolution)
 * @property {number} clientCpuUsPerRequest  this load generator's own CPU / requests
 * @property {number} otherLoad  CPU other processes used during the run, in cores (0 = a quiet machine)
 * @property {number} p50  ms
 * @property {number} p99  ms
 */

/** One measured run of one target. Throws when any answer was not a 200. */
async function measureRun(target, agent, options) {
  const { maxRequests, serverPid, previous } = options;
  const connections = target.connections ?? options.connections;
  const durationMs = options.warmup ? options.durationMs : (target.durationMs ?? options.durationMs);
  const cap = (await target.prepare?.({ maxRequests, durationMs, previous })) ?? maxRequests;
  const limit = Math.min(cap, maxRequests);
  const meter = cpuMeter(serverPid);
  const clientBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  meter.start();
  const load = await runLoad({
    url: target.url,
    agent,
    connections,
    durationMs,
    maxRequests: limit,
    headers: target.headers,
  });
  await sleep(20); // let the server finish work it does after answering (logs, waitUntil)
  const { cpuMs, cpuMsFine } = meter.stop();
  const client = process.cpuUsage(clientBefore);
  const machineMs = machineBusyMs() - machineBefore;
  const failed = load.requests - load.ok + load.errors;
  if (failed > 0) {
    throw new Error(
      `${target.name}: ${failed} of ${load.requests + load.errors} requests failed: ${load.samples.join(" | ")}`,
    );
  }
  const { p50, p99 } = latencySummary(load.latencies);
  return {
    requests: load.requests,
    rps: (load.requests * 1000) / load.elapsedMs,
    cpuUsPerRequest: (cpuMs * 1000) / load.requests,
    cpuUsPerRequestFine: (cpuMsFine * 1000) / load.requests,
    clientCpuUsPerRequest: (client.user + client.system) / load.requests,
    // Cores' worth of CPU that other processes used meanwhile: high values mean a noisy run.
    otherLoad: Math.max(0, machineMs - cpuMs - (client.user + client.system) / 1000) / load.elapsedMs,
    p50,
    p99,
  };
}

/**
 * Warms every target up, then runs `rounds` interleaved rounds.
 * @param {Target[]} targets
 * @param {{ rounds: number, durationMs: number, warmupMs: number, connections: number,
 *   maxRequests: number, serverPid: number, log?: (line: string) => void }} options
 * @returns {Promise<Record<string, RunResult[]>>} each target's runs, in round order
 */
export async function measureRounds(targets, options) {
  const { rounds, warmupMs, connections, log = () => {} } = options;
  const agents = new Map(targets.map((t) => [t.name, keepAliveAgent(t.connections ?? connections)]));
  /** @type {Record<string, RunResult[]>} */
  const runs = Object.fromEntries(targets.map((target) => [target.name, []]));
  /** @type {Map<string, RunResult>} */
  const last = new Map();
  try {
    for (const target of targets) {
      const warm = await measureRun(target, agents.get(target.name), {
        ...options,
        durationMs: warmupMs,
        warmup: true,
      });
      last.set(target.name, warm);
      log(`warm-up ${target.name}: ${warm.rps.toFixed(0)} req/s`);
    }
    for (let round = 1; round <= rounds; round++) {
      for (const target of targets) {
        const previous = last.get(target.name);
        const run = await measureRun(target, agents.get(target.name), { ...options, previous });
        runs[target.name].push(run);
        last.set(target.name, run);
      }
      log(
        `round ${round}/${rounds}: ${targets.map((t) => `${t.name} ${runs[t.name].at(-1)?.rps.toFixed(0)}/s`).join(", ")}`,
      );
    }
  } finally {
    for (const agent of agents.values()) agent.destroy();
  }
  return runs;
}

/** The median of each figure over a target's runs. */
export function summarizeRuns(runs) {
  const fields = [
    "rps",
    "cpuUsPerRequest",
    "cpuUsPerRequestFine",
    "clientCpuUsPerRequest",
    "otherLoad",
    "p50",
    "p99",
  ];
  const summary = Object.fromEntries(fields.map((field) => [field, median(runs.map((run) => run[field]))]));
  return { ...summary, requests: runs.reduce((sum, run) => sum + run.requests, 0), rounds: runs.length };
}

/**
 * A figure compared between two targets round by round: `combine(a, b)` of each round's runs, and
 * the median of those per-round values (steadier than comparing the two medians).
 */
export function perRound(runs, a, b, field, combine = (x, y) => x / y) {
  const values = runs[a].map((run, index) => combine(run[field], runs[b][index][field]));
  return { median: median(values), rounds: values };
}
