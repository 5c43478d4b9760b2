// One operation at a time, one request at a time (closed loop, 1 connection), in interleaved rounds:
// each operation's latency without queueing and workerd's CPU per request, through the gateway and,
// for the reads, straight to the owning service's own socket (the same Worker code without the
// gateway in front: it checks the token itself, cached, and reads KV for revocation like the gateway).
import { runClosedLoop } from "../lib/closedloop.mjs";
import { processCpuMs } from "../lib/cpu.mjs";
import { interleaveRounds, medians, withCpu } from "../lib/interleave.mjs";
import { openLoopAgent } from "../lib/openloop.mjs";
import { round } from "../lib/report.mjs";
import { summarizeOps } from "./phases.mjs";
import { waitForDrain } from "./setup.mjs";
import { itemsIn } from "./workload.mjs";

/**
 * The targets: name, how to make its requests, and whether its CPU includes the queue work it causes.
 * @param {{ latest: any, ranked: any }} workloads  socialWorkload()s with order latest and ranked
 */
export function isolatedTargets({ latest, ranked }) {
  return [
    { name: "home via gateway", next: () => latest.request("home") },
    { name: "home direct (feed)", next: () => latest.request("home", "direct") },
    { name: "home ranked, 1st page", next: () => ranked.request("home") },
    { name: "user via gateway", next: () => latest.request("user") },
    { name: "user direct (posts)", next: () => latest.request("user", "direct") },
    { name: "compose via gateway", next: () => latest.request("compose"), drain: true },
  ];
}

/**
 * Runs the targets in `rounds` interleaved rounds of `durationMs` each.
 * @returns {Promise<{ runs: Record<string, any[]>, summary: Record<string, any> }>}
 */
export async function measureIsolated(targets, { pid, rounds, durationMs, drainWindowMs, log }) {
  const agent = openLoopAgent(4);
  const measure = async (target) => {
    const cost = await withCpu(pid, () =>
      runClosedLoop({ connections: 1, durationMs, next: target.next, agent, inspect: itemsIn }),
    );
    const { result } = cost;
    let cpuMs = cost.serverCpuMs;
    if (target.drain) {
      // The fan-out of the new posts runs later, in the feed's queue consumer: count it too.
      const cpuBefore = processCpuMs(pid);
      await waitForDrain(pid, { timeoutMs: 60_000, windowMs: drainWindowMs });
      cpuMs += processCpuMs(pid) - cpuBefore;
    }
    const ops = summarizeOps(result.ops, result.elapsedMs / 1000);
    const requests = ops.all.ok + ops.all.failed;
    return {
      requests,
      failed: ops.all.failed,
      rps: round((requests * 1000) / result.elapsedMs, 1),
      p50: ops.all.p50,
      p99: ops.all.p99,
      cpuUsPerRequest: round((cpuMs * 1000) / requests, 0),
      itemsPerRead: Object.values(ops)[0]?.itemsPerRead ?? null,
      otherLoad: round(cost.otherLoad, 2),
      samples: ops.all.samples,
    };
  };
  try {
    const runs = await interleaveRounds(
      targets,
      { rounds, log, describe: (run) => `${run.p50} ms, ${run.cpuUsPerRequest} us` },
      measure,
    );
    const summary = Object.fromEntries(
      targets.map(({ name }) => [
        name,
        {
          ...medians(runs[name], ["rps", "p50", "p99", "cpuUsPerRequest", "itemsPerRead", "otherLoad"]),
          failed: runs[name].reduce((sum, run) => sum + run.failed, 0),
          samples: runs[name].flatMap((run) => run.samples).slice(0, 2),
        },
      ]),
    );
    return { runs, summary };
  } finally {
    agent.destroy();
  }
}
