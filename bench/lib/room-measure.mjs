// The measure plan of the room benchmarks (bench/sessions, bench/messaging), for one room size N: join N
// clients to every target, then interleaved rounds; in each round every target runs a saturated phase
// (closed loop: throughput, CPU per delivery), then the targets take turns in short paced slices (a
// fixed offered rate well under capacity: latency without queueing behind the load generator's own
// window), A B C C B A A B C ..., so that each target's latency in a round is sampled across the same
// seconds of a shared, noisy machine. A target's room is a FanoutRoom (ws-fanout.mjs).
import { setTimeout as sleep } from "node:timers/promises";
import { waitForIdle, waitForQuietMachine } from "./cpu.mjs";
import { withCpu } from "./interleave.mjs";
import { latencySummary } from "./load.mjs";

const range = (count) => Array.from({ length: count }, (_, index) => index);

/**
 * Who sends and how much. Saturated: about `inflight` deliveries in flight (inflight / N messages),
 * from as few senders as that needs (the first joined sockets), each with the same window. Paced:
 * `pacedRate` deliveries a second (pacedRate / N messages), every member sending in turn.
 */
export function loadPlan(n, { inflight, pacedRate }) {
  const inFlightMessages = Math.max(1, Math.round(inflight / n));
  const senderCount = Math.min(n, inFlightMessages);
  return {
    saturate: { senders: range(senderCount), window: Math.ceil(inFlightMessages / senderCount) },
    paced: { senders: range(n), ratePerSec: pacedRate / n },
  };
}

/** Throws when a run lost copies, got error frames, or sockets closed under it. */
function check(target, room, phase, result) {
  if (room.unexpectedCloses > 0) {
    throw new Error(`${target.name}: ${room.unexpectedCloses} sockets closed (last: ${room.lastClose})`);
  }
  if (result.errors.length > 0 || result.lost > 0) {
    throw new Error(
      `${target.name} ${phase}: ${result.lost} of ${result.messages * room.size} copies missing; ` +
        `errors: ${result.errors.join(" | ") || "none"}`,
    );
  }
}

/**
 * One target's paced slices of a round, added up: every copy's latency, CPU, deliveries, and the other
 * load weighted by each slice's wall time.
 */
class PacedTotals {
  constructor() {
    /** @type {number[]} */
    this.latencies = [];
    this.serverCpuMs = 0;
    this.deliveries = 0;
    this.elapsedMs = 0;
    this.otherMs = 0;
    this.wallMs = 0;
    this.slices = 0;
    /** Each turn's own p99 (ms), in turn order. */
    this.turnP99 = [];
  }

  add(slice) {
    for (const value of slice.result.latencies) this.latencies.push(value);
    this.serverCpuMs += slice.serverCpuMs;
    this.deliveries += slice.result.deliveries;
    this.elapsedMs += slice.result.elapsedMs;
    this.otherMs += slice.otherLoad * slice.wallMs;
    this.wallMs += slice.wallMs;
    this.slices += 1;
    this.turnP99.push(latencySummary(slice.result.latencies).p99);
  }

  /** In the shape record() reads: a withCpu() result around a FanoutResult. */
  asRun() {
    return {
      serverCpuMs: this.serverCpuMs,
      otherLoad: this.wallMs > 0 ? this.otherMs / this.wallMs : 0,
      turnP99: this.turnP99,
      result: {
        latencies: this.latencies,
        deliveries: this.deliveries,
        deliveriesPerSec: this.elapsedMs > 0 ? (this.deliveries * 1000) / this.elapsedMs : 0,
      },
    };
  }
}

/** A run's figures: the saturated phase's throughput and CPU, the paced slices' latency. */
function record(saturated, paced) {
  const perDelivery = (ms, run) => (ms * 1000) / run.result.deliveries;
  const loaded = latencySummary(saturated.result.latencies);
  const figures = {
    deliveriesPerSec: saturated.result.deliveriesPerSec,
    cpuUsPerDelivery: perDelivery(saturated.serverCpuMs, saturated),
    cpuUsPerDeliveryFine: perDelivery(saturated.serverCpuMsFine, saturated),
    clientCpuUsPerDelivery: perDelivery(saturated.clientCpuMs, saturated),
    loadedP50: loaded.p50,
    loadedP99: loaded.p99,
    bytesPerDelivery: saturated.result.bytesPerDelivery,
    otherLoad: saturated.otherLoad,
    messages: saturated.result.messages,
    deliveries: saturated.result.deliveries,
  };
  if (!paced) return figures;
  const calm = latencySummary(paced.result.latencies);
  return {
    ...figures,
    p50: calm.p50,
    p99: calm.p99,
    pacedDeliveriesPerSec: paced.result.deliveriesPerSec,
    pacedCpuUsPerDelivery: perDelivery(paced.serverCpuMs, paced),
    pacedOtherLoad: paced.otherLoad,
    pacedDeliveries: paced.result.deliveries,
    turnP99: paced.turnP99,
  };
}

const settleOf = (target) => target.settleMs ?? 100;

/** The order of the targets in paced slice `slice`: forwards, then backwards (A B C, C B A, ...). */
export function sliceOrder(targets, slice) {
  return slice % 2 === 0 ? targets : [...targets].reverse();
}

/**
 * @typedef {object} RoomTarget
 * @property {string} name
 * @property {number} pid  the server process (CPU from /proc)
 * @property {(count: number) => Promise<import("./ws-fanout.mjs").FanoutRoom>} join
 * @property {number} [settleMs]  how long the room's deferred work takes to come due (default 100): waited
 *   after the joins, before measuring, and after the last run, before the sockets close (say, an index
 *   sync alarm a second after a change: it then runs while every member is still connected, as in use,
 *   instead of finding everyone gone at once)
 */

/**
 * Joins N clients to each target, measures, and closes them again.
 * @param {RoomTarget[]} targets
 * @param {number} n
 * @param {{ rounds: number, durationMs: number, pacedDurationMs: number, pacedSlices: number,
 *   warmupMs: number, inflight: number, pacedRate: number }} options
 *   pacedDurationMs: each target's paced time per round, in pacedSlices turns
 * @param {(line: string) => void} log
 */
export async function measureRoomSize(targets, n, options, log) {
  const plan = loadPlan(n, options);
  const rooms = new Map();
  const joins = {};
  const pids = [...new Set(targets.map((target) => target.pid))];
  /** @type {Record<string, Record<string, number>[]>} */
  const runs = Object.fromEntries(targets.map((target) => [target.name, []]));
  /** Every paced copy's latency per target, over all rounds (the pooled percentiles). */
  const pooled = Object.fromEntries(targets.map((target) => [target.name, new PacedTotals()]));
  try {
    for (const target of targets) {
      const joined = await withCpu(target.pid, () => target.join(n));
      rooms.set(target.name, joined.result);
      joined.result.keepAlive();
      await sleep(settleOf(target));
      await waitForIdle(target.pid);
      joins[target.name] = { wallMs: joined.wallMs, serverCpuMs: joined.serverCpuMs };
      log(`N=${n}: ${target.name} joined in ${(joined.wallMs / 1000).toFixed(1)} s`);
    }
    const sliceMs = options.pacedDurationMs / options.pacedSlices;
    // Round 0 warms every target up (saturated only) and is not recorded.
    for (let round = 0; round <= options.rounds; round++) {
      const saturated = new Map();
      for (const target of targets) {
        const room = rooms.get(target.name);
        // Others share this machine: start when they are quiet, or after 1 s anyway.
        await waitForQuietMachine(pids, { timeoutMs: 1000 });
        const durationMs = round === 0 ? options.warmupMs : options.durationMs;
        const run = await withCpu(target.pid, () => room.saturate({ ...plan.saturate, durationMs }));
        check(target, room, "saturated", run.result);
        saturated.set(target.name, run);
      }
      const describe = (name) => `${name} ${Math.round(saturated.get(name).result.deliveriesPerSec)}/s`;
      if (round === 0) {
        log(`N=${n} warm-up: ${targets.map(({ name }) => describe(name)).join(", ")}`);
        continue;
      }
      await waitForQuietMachine(pids, { timeoutMs: 1000 });
      const paced = new Map(targets.map((target) => [target.name, new PacedTotals()]));
      for (let slice = 0; slice < options.pacedSlices; slice++) {
        for (const target of sliceOrder(targets, slice)) {
          const room = rooms.get(target.name);
          const run = await withCpu(target.pid, () => room.paced({ ...plan.paced, durationMs: sliceMs }));
          check(target, room, "paced", run.result);
          paced.get(target.name)?.add(run);
          pooled[target.name]?.add(run);
        }
      }
      for (const target of targets) {
        runs[target.name]?.push(record(saturated.get(target.name), paced.get(target.name)?.asRun()));
      }
      const p99 = (name) => runs[name]?.at(-1)?.p99.toFixed(2);
      log(
        `N=${n} round ${round}/${options.rounds}: ` +
          targets.map(({ name }) => `${describe(name)} p99 ${p99(name)} ms`).join(", "),
      );
    }
    return { n, plan: describePlan(plan, options), joins, runs, pooled: pooledSummary(pooled) };
  } catch (error) {
    // What was measured before the failure, for the results file.
    error.partial = { n, plan: describePlan(plan, options), joins, runs, pooled: pooledSummary(pooled) };
    throw error;
  } finally {
    if (rooms.size > 0) await sleep(Math.max(...targets.map(settleOf)));
    for (const room of rooms.values()) room.close();
    for (const pid of pids) await waitForIdle(pid).catch(() => {});
  }
}

function describePlan({ saturate, paced }, { pacedSlices, pacedDurationMs }) {
  return {
    saturate: { senders: saturate.senders.length, window: saturate.window },
    paced: {
      senders: paced.senders.length,
      messagesPerSec: paced.ratePerSec,
      slices: pacedSlices,
      sliceMs: pacedDurationMs / pacedSlices,
    },
  };
}

/** p50/p99 of every paced copy per target over all rounds, and how many copies that is. */
function pooledSummary(pooled) {
  return Object.fromEntries(
    Object.entries(pooled)
      .filter(([, totals]) => totals.latencies.length > 0)
      .map(([name, totals]) => {
        const { p50, p99 } = latencySummary(totals.latencies);
        return [name, { p50, p99, copies: totals.latencies.length }];
      }),
  );
}
