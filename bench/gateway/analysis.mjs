// The gateway benchmark's ratios and goals, from the runs of each target (see README.md).
import { formatTable, round } from "../lib/report.mjs";
import { perRound } from "../lib/rounds.mjs";
import { auditLines } from "./audit.mjs";

/** Goals of the issue: the gateway's own work over the bare hop. */
export const GOALS = { maxCpuRatio: 1.15, maxExtraP50Ms: 1 };

const minus = (a, b) => a - b;
const CPU = "cpuUsPerRequest";

/** The gateway's extra CPU and latency over the floor, the hop's own cost, and the goals. */
export function analyze(runs, audit) {
  const ratios = {
    gatewayOverFloorCpu: perRound(runs, "gateway", "floor", CPU),
    gatewayMinusFloorCpuUs: perRound(runs, "gateway", "floor", CPU, minus),
    // One request at a time: under load, p50 is mostly queueing (about connections / throughput).
    gatewayMinusFloorP50Ms: perRound(runs, "gateway/1conn", "floor/1conn", "p50", minus),
    gatewayMinusFloorP50MsLoaded: perRound(runs, "gateway", "floor", "p50", minus),
    floorOverDirectCpu: perRound(runs, "floor", "direct", CPU),
    floorMinusDirectCpuUs: perRound(runs, "floor", "direct", CPU, minus),
    constantHopMinusConstantCpuUs: perRound(runs, "constant+hop", "constant", CPU, minus),
    // Where the gateway's extra goes: its own code (over the same path without it), and its transport.
    gatewayMinusPathFloorCpuUs: perRound(runs, "gateway", "path-floor", CPU, minus),
    pathFloorMinusFloorCpuUs: perRound(runs, "path-floor", "floor", CPU, minus),
    constantEntryMinusConstantCpuUs: perRound(runs, "constant+entry", "constant", CPU, minus),
    constantEntryMinusHopCpuUs: perRound(runs, "constant+entry", "constant+hop", CPU, minus),
    floorMinusDirectP50Ms: perRound(runs, "floor/1conn", "direct/1conn", "p50", minus),
    gatewayOverDirectRps: perRound(runs, "gateway", "direct", "rps"),
  };
  if (runs["gateway+assets"]) {
    ratios.assetsRouterCpuUs = perRound(runs, "gateway+assets", "gateway", CPU, minus);
  }
  // With --fresh: what a never-seen token costs over a cached one, on each path (one ES256 verify).
  const verifyCostUs = runs["gateway/fresh"]
    ? {
        direct: perRound(runs, "direct/fresh", "direct", CPU, minus),
        floor: perRound(runs, "floor/fresh", "floor", CPU, minus),
        gateway: perRound(runs, "gateway/fresh", "gateway", CPU, minus),
      }
    : null;
  const cpu = ratios.gatewayOverFloorCpu.median;
  const p50 = ratios.gatewayMinusFloorP50Ms.median;
  const goals = {
    cpu: { pass: cpu <= GOALS.maxCpuRatio, measured: cpu, limit: GOALS.maxCpuRatio },
    p50: { pass: p50 <= GOALS.maxExtraP50Ms, measured: p50, limit: GOALS.maxExtraP50Ms },
    singleVerification: { pass: audit.pass, measured: audit.paths.gateway.fresh.total, limit: 1 },
  };
  return { ratios, verifyCostUs, goals };
}

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

function printRatio(label, { median, rounds }, digits = 2) {
  const each = rounds.map((value) => fmt(value, digits)).join(" ");
  console.log(`${label.padEnd(46)} ${fmt(median, digits).padStart(7)}   per round: ${each}`);
}

/** Prints the table, the ratios (median, then each round), the verification audit and the goals. */
export function printReport(summaries, analysis, audit) {
  const rows = Object.entries(summaries).map(([name, s]) => [
    name,
    round(s.rps),
    round(s.cpuUsPerRequest),
    round(s.p50, 2),
    round(s.p99, 2),
    round(s.otherLoad, 2),
  ]);
  const header = ["target", "req/s", "CPU us/req", "p50 ms", "p99 ms", "other load"];
  console.log(`\n${formatTable(header, rows)}\n`);
  if (!analysis) return;
  const { ratios, verifyCostUs, goals } = analysis;
  printRatio("gateway / floor, CPU per request", ratios.gatewayOverFloorCpu);
  printRatio("gateway - floor, CPU us per request", ratios.gatewayMinusFloorCpuUs, 0);
  printRatio("gateway - floor, p50 ms (one connection)", ratios.gatewayMinusFloorP50Ms);
  printRatio("gateway - floor, p50 ms (loaded)", ratios.gatewayMinusFloorP50MsLoaded);
  printRatio("floor / direct, CPU (hop cost)", ratios.floorOverDirectCpu);
  printRatio("floor - direct, CPU us (hop cost)", ratios.floorMinusDirectCpuUs, 0);
  printRatio("floor - direct, p50 ms (one connection)", ratios.floorMinusDirectP50Ms);
  printRatio("constant+hop - constant, CPU us (bare hop)", ratios.constantHopMinusConstantCpuUs, 0);
  printRatio("gateway / direct, req/s", ratios.gatewayOverDirectRps);
  console.log("where the gateway's extra CPU goes:");
  printRatio("  gateway - path-floor, CPU us (its own code)", ratios.gatewayMinusPathFloorCpuUs, 0);
  printRatio(
    "  path-floor - floor, CPU us (KV read + entrypoint hop vs bare hop)",
    ratios.pathFloorMinusFloorCpuUs,
    0,
  );
  printRatio(
    "  constant+entry - constant, CPU us (entrypoint hop)",
    ratios.constantEntryMinusConstantCpuUs,
    0,
  );
  printRatio("  constant+entry - constant+hop, CPU us", ratios.constantEntryMinusHopCpuUs, 0);
  if (ratios.assetsRouterCpuUs) printRatio("gateway+assets - gateway, CPU us", ratios.assetsRouterCpuUs, 0);
  if (verifyCostUs) {
    for (const [path, cost] of Object.entries(verifyCostUs)) {
      printRatio(`new - seen token, CPU us (${path})`, cost, 0);
    }
  }
  console.log(`\ntoken verifications per request (crypto.subtle.verify calls counted in each Worker):`);
  for (const line of auditLines(audit)) console.log(line);
  const verdict = (pass) => (pass ? "PASS" : "FAIL");
  console.log(
    `\n${verdict(goals.cpu.pass)} gateway CPU/req = ${fmt(goals.cpu.measured, 3)} x floor (goal <= ${GOALS.maxCpuRatio})`,
  );
  console.log(
    `${verdict(goals.p50.pass)} gateway p50 = floor p50 + ${fmt(goals.p50.measured, 3)} ms, one request ` +
      `at a time (goal <= +${GOALS.maxExtraP50Ms} ms)`,
  );
  console.log(
    `${verdict(goals.singleVerification.pass)} a new token is verified ${fmt(goals.singleVerification.measured, 2)} ` +
      `times per request through the gateway (goal: once; never twice on any path)`,
  );
}
