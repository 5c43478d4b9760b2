// Interleaved rounds for any kind of run (rounds.mjs does it for HTTP load): every round runs each target
// once, A, B, C, A, B, C ..., after one unmeasured warm-up each; and the CPU a run cost its server.
import { setTimeout as sleep } from "node:timers/promises";
import { cpuMeter, machineBusyMs } from "./cpu.mjs";
import { median } from "./load.mjs";

/**
 * @typedef {object} CpuCost
 * @property {number} serverCpuMs  the server process's utime+stime (/proc ticks, all threads)
 * @property {number} serverCpuMsFine  the same from per-thread schedstat (ns resolution, live threads)
 * @property {number} clientCpuMs  this process (the load generator) meanwhile
 * @property {number} otherLoad  cores' worth of CPU that other processes used meanwhile (0 = quiet)
 * @property {number} wallMs
 */

/**
 * Runs `work` and measures what it cost: the server's CPU (process `pid`), ours, and everyone else's.
 * Waits `settleMs` after `work` ends before reading, for work the server does after answering.
 * @template T
 * @param {number} pid
 * @param {() => Promise<T>} work
 * @returns {Promise<{ result: T } & CpuCost>}
 */
export async function withCpu(pid, work, { settleMs = 20 } = {}) {
  const meter = cpuMeter(pid);
  const clientBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  const begin = performance.now();
  meter.start();
  const result = await work();
  await sleep(settleMs);
  const { cpuMs, cpuMsFine } = meter.stop();
  const client = process.cpuUsage(clientBefore);
  const clientCpuMs = (client.user + client.system) / 1000;
  const wallMs = performance.now() - begin;
  const otherMs = machineBusyMs() - machineBefore - cpuMs - clientCpuMs;
  return {
    result,
    serverCpuMs: cpuMs,
    serverCpuMsFine: cpuMsFine,
    clientCpuMs,
    otherLoad: Math.max(0, otherMs) / wallMs,
    wallMs,
  };
}

/**
 * Warms every target up once, then runs `rounds` interleaved rounds of `measure(target, round)`
 * (round 0 is the warm-up, whose result is dropped).
 * @template {{ name: string }} Target
 * @template {Record<string, unknown>} RunRecord
 * @param {Target[]} targets
 * @param {{ rounds: number, warmup?: boolean, log?: (line: string) => void,
 *   describe?: (run: RunRecord) => string, into?: Record<string, RunRecord[]> }} options
 *   into: the object to fill (and return), so a caller keeps the rounds done when a later one throws
 * @param {(target: Target, round: number) => Promise<RunRecord>} measure
 * @returns {Promise<Record<string, RunRecord[]>>} each target's runs, in round order
 */
export async function interleaveRounds(targets, options, measure) {
  const { rounds, warmup = true, log = () => {}, describe = () => "", into = {} } = options;
  /** @type {Record<string, RunRecord[]>} */
  const runs = into;
  for (const target of targets) runs[target.name] ??= [];
  if (warmup) {
    for (const target of targets) {
      const run = await measure(target, 0);
      log(`warm-up ${target.name}: ${describe(run)}`);
    }
  }
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) runs[target.name].push(await measure(target, round));
    log(
      `round ${round}/${rounds}: ${targets.map((t) => `${t.name} ${describe(runs[t.name].at(-1))}`).join(", ")}`,
    );
  }
  return runs;
}

/** The median of each numeric field over a target's runs (fields missing from a run are skipped). */
export function medians(runs, fields) {
  return Object.fromEntries(
    fields.map((field) => [
      field,
      median(runs.map((run) => run[field]).filter((v) => typeof v === "number")),
    ]),
  );
}
