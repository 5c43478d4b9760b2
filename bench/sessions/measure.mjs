// One room size N: join N clients to every target, then interleaved rounds; in each round every target
// runs a saturated phase (closed loop: throughput, CPU per delivery) and a paced phase (a fixed offered
// rate well under capacity: latency without queueing behind the load generator's own window).
import { setTimeout as sleep } from "node:timers/promises";
import { waitForIdle, waitForQuietMachine } from "../lib/cpu.mjs";
import { interleaveRounds, withCpu } from "../lib/interleave.mjs";
import { latencySummary } from "../lib/load.mjs";

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

/** A run's figures: the saturated phase's throughput and CPU, both phases' latency. */
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
  };
}

/**
 * Joins N clients to each target, measures, and closes them again.
 * @param {import("./targets.mjs").Target[]} targets
 * @param {number} n
 * @param {{ rounds: number, durationMs: number, pacedDurationMs: number, warmupMs: number,
 *   inflight: number, pacedRate: number }} options
 * @param {(line: string) => void} log
 */
export async function measureRoomSize(targets, n, options, log) {
  const plan = loadPlan(n, options);
  const rooms = new Map();
  const joins = {};
  const pids = [...new Set(targets.map((target) => target.pid))];
  /** @type {Record<string, Record<string, number>[]>} */
  const runs = {};
  try {
    for (const target of targets) {
      const joined = await withCpu(target.pid, () => target.join(n));
      rooms.set(target.name, joined.result);
      joined.result.keepAlive();
      // The WatchSession's first alarm (the sessions index sync) comes 1 s after the joins.
      await sleep(target.name.startsWith("watch-session") ? 1200 : 100);
      await waitForIdle(target.pid);
      joins[target.name] = { wallMs: joined.wallMs, serverCpuMs: joined.serverCpuMs };
      log(`N=${n}: ${target.name} joined in ${(joined.wallMs / 1000).toFixed(1)} s`);
    }
    await interleaveRounds(
      targets,
      {
        into: runs,
        rounds: options.rounds,
        log: (line) => log(`N=${n} ${line}`),
        describe: (run) => `${Math.round(run.deliveriesPerSec)}/s`,
      },
      async (target, round) => {
        const room = rooms.get(target.name);
        // Others share this machine: start when they are quiet, or after 1 s anyway.
        await waitForQuietMachine(pids, { timeoutMs: 1000 });
        const durationMs = round === 0 ? options.warmupMs : options.durationMs;
        const saturated = await withCpu(target.pid, () => room.saturate({ ...plan.saturate, durationMs }));
        check(target, room, "saturated", saturated.result);
        if (round === 0) return record(saturated, null);
        const paced = await withCpu(target.pid, () =>
          room.paced({ ...plan.paced, durationMs: options.pacedDurationMs }),
        );
        check(target, room, "paced", paced.result);
        return record(saturated, paced);
      },
    );
    return { n, plan: describePlan(plan), joins, runs };
  } catch (error) {
    // What was measured before the failure, for the results file.
    error.partial = { n, plan: describePlan(plan), joins, runs };
    throw error;
  } finally {
    for (const room of rooms.values()) room.close();
    for (const pid of pids) await waitForIdle(pid).catch(() => {});
  }
}

function describePlan({ saturate, paced }) {
  return {
    saturate: { senders: saturate.senders.length, window: saturate.window },
    paced: { senders: paced.senders.length, messagesPerSec: paced.ratePerSec },
  };
}
