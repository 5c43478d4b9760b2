// The social benchmark's printed report: setup, the building blocks, one operation at a time, the mix
// at the fixed rate with the verdict, and the step-up to the highest sustained rate.
import { formatTable, round } from "../lib/report.mjs";

/** The goal: home-timeline p99 at the fixed rate. */
export const GOAL = { op: "home", p99Ms: 25, rate: 100 };

/** PERFORMANCE.md's floors for the pieces these requests are made of (same kind of machine). */
export const FLOORS = {
  d1StatementCpuUs: "800-1000 (local D1, reads as much as writes)",
  d1PointReadsPerSecond: "~1,250 (Miniflare, no proxy)",
  serviceHopCpuUs: "85-115 (bare workerd)",
  kvRevocationReadCpuUs: "650-800 (bench/gateway: Miniflare's KV is a Durable Object over SQLite)",
};

export function verdict(fixed) {
  const home = fixed.ops[GOAL.op];
  const pass = home !== undefined && home.failed === 0 && home.p99 <= GOAL.p99Ms;
  return { pass, homeP99: home?.p99 ?? null, goalMs: GOAL.p99Ms, rate: fixed.rate };
}

function opRows(phase) {
  return Object.entries(phase.ops).map(([op, s]) => [
    op,
    s.ok,
    s.failed,
    s.rps,
    s.p50,
    s.p90,
    s.p99,
    s.max,
    s.itemsPerRead ?? "-",
  ]);
}

/** Prints the whole report; `results` is what run.mjs writes to latest.json. */
export function printReport(results, print = console.log) {
  const { setup, building, isolated, fixed, steps, verdict: v } = results;
  print(
    `\nSetup (${setup.reused ? "reused" : "built now"}, ${setup.counts.users} users, ${setup.counts.posts} posts, ${setup.counts.follows} follows):`,
  );
  print(
    formatTable(
      ["phase", "seconds", "workerd CPU s"],
      Object.entries(setup.timings).map(([name, t]) => [
        name,
        round(t.seconds, 1),
        round(t.workerdCpuSeconds, 1),
      ]),
    ),
  );
  const cpuOf = (...names) =>
    names.reduce((sum, name) => sum + (setup.timings[name]?.workerdCpuSeconds ?? 0), 0);
  print(
    `Setup cost, workerd CPU with the feed's queue work: ${round((cpuOf("posts", "posts drain") * 1000) / setup.counts.posts, 1)} ms` +
      ` a post, ${round((cpuOf("follows", "follows drain") * 1000) / setup.counts.follows, 1)} ms a follow`,
  );
  if (building) {
    print("\nBuilding blocks, called in a row inside workerd (medians):");
    print(
      formatTable(
        ["call", "CPU us/call", "us/call (wall)"],
        Object.entries(building).map(([name, m]) => [name, m.cpuUsPerCall, m.usPerCall]),
      ),
    );
  }
  if (isolated) {
    print("\nOne operation at a time (closed loop, 1 connection, medians over rounds):");
    print(
      formatTable(
        ["target", "req/s", "p50 ms", "p99 ms", "CPU us/req", "items/read", "failed"],
        Object.entries(isolated.summary).map(([name, s]) => [
          name,
          s.rps,
          s.p50,
          s.p99,
          s.cpuUsPerRequest,
          Number.isFinite(s.itemsPerRead) ? s.itemsPerRead : "-",
          s.failed,
        ]),
      ),
    );
  }
  if (fixed) {
    print(
      `\nMix at ${fixed.rate} req/s for ${fixed.seconds} s (open loop; latency from each request's scheduled start):`,
    );
    print(
      formatTable(["op", "ok", "failed", "req/s", "p50", "p90", "p99", "max", "items/read"], opRows(fixed)),
    );
    print(
      `workerd CPU: ${fixed.cpuUsPerRequest} us/request during the run, ${fixed.cpuUsPerRequestWithDrain} us with the` +
        ` queue work it left (${fixed.drainSeconds} s); ${fixed.workerdCores} cores busy; late starts ${fixed.late},` +
        ` skipped ${fixed.skipped}, other load ${fixed.otherLoad} cores; ${fixed.logLinesPerRequest} log lines/request`,
    );
    print(
      `workerd's busiest thread ran ${Math.round(fixed.busiestThread * 100)}% of the time: the Workers share one` +
        ` event-loop thread, so at ${fixed.cpuUsPerRequestWithDrain} us/request one core caps this mix near` +
        ` ${Math.round(1e6 / fixed.cpuUsPerRequestWithDrain)} req/s`,
    );
  }
  if (results.readsOnly) {
    const r = results.readsOnly;
    print(
      `\nThe same rate without composes (${r.seconds} s, reads only): home p50/p99 ${r.ops.home?.p50}/${r.ops.home?.p99} ms,` +
        ` user ${r.ops.user?.p50}/${r.ops.user?.p99} ms, ${r.cpuUsPerRequest} us CPU/request, thread busy` +
        ` ${Math.round(r.busiestThread * 100)}%: the difference with the mix is what the fan-out of composed posts costs the reads`,
    );
  }
  if (steps) {
    print(
      `\nRates tried, from the fixed one (open loop, ${results.options.stepMs / 1000} s each; sustained: every` +
        ` operation's p99 <= ${results.options.sloMs} ms, <= 1% failed or late, answers keeping up):`,
    );
    print(
      formatTable(
        [
          "rate",
          "answered/s",
          "home p50/p99",
          "user p50/p99",
          "compose p50/p99",
          "CPU us/req",
          "thread busy",
          "failed",
          "sustained",
        ],
        [fixed, ...steps.steps].map((s) => [
          s.rate,
          s.achievedRps,
          `${s.ops.home?.p50}/${s.ops.home?.p99}`,
          `${s.ops.user?.p50}/${s.ops.user?.p99}`,
          `${s.ops.compose?.p50}/${s.ops.compose?.p99}`,
          s.cpuUsPerRequest,
          `${Math.round(s.busiestThread * 100)}%`,
          s.ops.all.failed,
          s.sustained ? "yes" : "no",
        ]),
      ),
    );
    print(`Highest sustained rate: ${steps.highest ?? "none"} req/s (stopped: ${steps.stoppedBecause})`);
  }
  if (v) {
    print(
      `\nGoal: home-timeline p99 <= ${v.goalMs} ms at ${v.rate} req/s: measured ${v.homeP99} ms: ${v.pass ? "PASS" : "FAIL"}`,
    );
  }
  print(
    `Floors (PERFORMANCE.md): D1 statement ${FLOORS.d1StatementCpuUs} us CPU, D1 point reads ${FLOORS.d1PointReadsPerSecond}/s,` +
      ` service hop ${FLOORS.serviceHopCpuUs} us, KV revocation read ${FLOORS.kvRevocationReadCpuUs} us`,
  );
}
