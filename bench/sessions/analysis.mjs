// The sessions benchmark's medians, per-round ratios and goals (see README.md).
import { medians } from "../lib/interleave.mjs";
import { formatTable, round } from "../lib/report.mjs";
import {
  fmt,
  intervalVerdict,
  joinLine,
  perTurnP99Ratio,
  planLine,
  pooledLine,
  pooledP99Ratio,
  ratioLine,
  turnsLine,
  verdict,
  wholeRounds,
} from "../lib/room-report.mjs";
import { perRound } from "../lib/rounds.mjs";

/** Goals of the issue: the WatchSession against the bare Durable Object, at every N. */
export const GOALS = { minThroughputRatio: 0.85, maxP99Ratio: 1.25 };

const FIELDS = [
  "deliveriesPerSec",
  "p50",
  "p99",
  "cpuUsPerDelivery",
  "cpuUsPerDeliveryFine",
  "loadedP50",
  "loadedP99",
  "clientCpuUsPerDelivery",
  "bytesPerDelivery",
  "otherLoad",
  "pacedDeliveriesPerSec",
  "pacedCpuUsPerDelivery",
  "pacedOtherLoad",
];

const minus = (a, b) => a - b;

/** Ratios of one room size, each per round then the median over rounds. */
function ratiosOf(runs, pooled) {
  const has = (name) => runs[name]?.length > 0;
  const ratios = {};
  if (has("watch-session") && has("bare-do")) {
    ratios.throughput = perRound(runs, "watch-session", "bare-do", "deliveriesPerSec");
    ratios.p99 = perRound(runs, "watch-session", "bare-do", "p99");
    ratios.p99Turns = perTurnP99Ratio(runs, "watch-session", "bare-do");
    ratios.pooledP99 = pooledP99Ratio(pooled, "watch-session", "bare-do");
    ratios.p50 = perRound(runs, "watch-session", "bare-do", "p50");
    ratios.cpu = perRound(runs, "watch-session", "bare-do", "cpuUsPerDelivery");
    ratios.cpuExtraUs = perRound(runs, "watch-session", "bare-do", "cpuUsPerDelivery", minus);
    ratios.loadedP99 = perRound(runs, "watch-session", "bare-do", "loadedP99");
  }
  // Patched copies (--variant): against the floor, and what the patch saves against the real one.
  for (const name of Object.keys(runs).filter((n) => n.startsWith("watch-session:") && has(n))) {
    if (!has("bare-do") || !has("watch-session")) break;
    ratios[name] = {
      throughput: perRound(runs, name, "bare-do", "deliveriesPerSec"),
      p99: perRound(runs, name, "bare-do", "p99"),
      p99Turns: perTurnP99Ratio(runs, name, "bare-do"),
      pooledP99: pooledP99Ratio(pooled, name, "bare-do"),
      cpuSavedUs: perRound(runs, "watch-session", name, "cpuUsPerDelivery", minus),
      pacedCpuSavedUs: perRound(runs, "watch-session", name, "pacedCpuUsPerDelivery", minus),
    };
  }
  if (has("bare-do+write") && has("bare-do")) {
    ratios.bareWriteThroughput = perRound(runs, "bare-do+write", "bare-do", "deliveriesPerSec");
    ratios.bareWriteCpu = perRound(runs, "bare-do+write", "bare-do", "cpuUsPerDelivery");
    ratios.bareWriteP50 = perRound(runs, "bare-do+write", "bare-do", "p50", minus);
  }
  if (has("node-ws") && has("bare-do")) {
    ratios.nodeWsThroughput = perRound(runs, "node-ws", "bare-do", "deliveriesPerSec");
    ratios.nodeWsP99 = perRound(runs, "node-ws", "bare-do", "p99");
  }
  return ratios;
}

/** Medians per target and size, ratios, and the verdicts. */
export function analyze(sizes, targets) {
  const bySize = sizes.map(({ n, plan, joins, runs: all, pooled = {} }) => {
    const { runs } = wholeRounds(targets, all);
    const summaries = Object.fromEntries(targets.map(({ name }) => [name, medians(runs[name], FIELDS)]));
    const ratios = ratiosOf(runs, pooled);
    const goals = ratios.throughput
      ? {
          throughput: {
            measured: ratios.throughput.median,
            limit: GOALS.minThroughputRatio,
            pass: ratios.throughput.median >= GOALS.minThroughputRatio,
          },
          // The median of the per-turn ratios (4 per round): a stall of the shared machine during
          // one turn moves one of 28 paired ratios, not the verdict. Results without turns (older
          // files) fall back to the median of the per-round ratios.
          p99: {
            measured: ratios.p99Turns?.median ?? ratios.p99.median,
            basis: ratios.p99Turns ? "turns" : "rounds",
            limit: GOALS.maxP99Ratio,
            pass: (ratios.p99Turns?.median ?? ratios.p99.median) <= GOALS.maxP99Ratio,
            // Whether the turns' 95% interval of the median settles it (README, "Reading the output").
            confidence: intervalVerdict(ratios.p99Turns, GOALS.maxP99Ratio),
          },
        }
      : null;
    return { n, plan, joins, summaries, pooled, ratios, goals };
  });
  const judged = bySize.filter(({ goals }) => goals);
  const pass = judged.length > 0 && judged.every(({ goals }) => goals.throughput.pass && goals.p99.pass);
  return { sizes: bySize, pass: judged.length > 0 ? pass : null };
}

/** Prints a table per N, its ratios and verdicts, then the overall verdict. */
export function printReport(analysis, opts) {
  for (const { n, plan, joins, summaries, pooled, ratios, goals } of analysis.sizes) {
    console.log(planLine(n, plan, opts));
    const header = ["target", "deliveries/s", "p50 ms", "p99 ms", "pooled p99", "CPU us/delivery"];
    header.push("loaded p99 ms");
    header.push("client us/dlv", "bytes/dlv", "other load");
    const rows = Object.entries(summaries).map(([name, s]) => [
      name,
      round(s.deliveriesPerSec),
      round(s.p50, 2),
      round(s.p99, 2),
      round(pooled?.[name]?.p99, 2),
      round(s.cpuUsPerDelivery, 1),
      round(s.loadedP99, 1),
      round(s.clientCpuUsPerDelivery, 1),
      round(s.bytesPerDelivery),
      round(s.otherLoad, 2),
    ]);
    console.log(formatTable(header, rows));
    console.log(joinLine(n, joins));
    ratioLine("watch-session / bare-do, deliveries/s", ratios.throughput);
    pooledLine("watch-session / bare-do, p99 (paced, pooled)", ratios.pooledP99);
    turnsLine("watch-session / bare-do, p99 (paced, turns)", ratios.p99Turns);
    ratioLine("watch-session / bare-do, p99 (paced, rounds)", ratios.p99);
    ratioLine("watch-session / bare-do, p50 (paced)", ratios.p50);
    ratioLine("watch-session / bare-do, CPU per delivery", ratios.cpu);
    ratioLine("watch-session - bare-do, CPU us per delivery", ratios.cpuExtraUs, 1);
    ratioLine("watch-session / bare-do, p99 (saturated)", ratios.loadedP99);
    for (const [name, variant] of Object.entries(ratios).filter(([key]) =>
      key.startsWith("watch-session:"),
    )) {
      ratioLine(`${name} / bare-do, deliveries/s`, variant.throughput);
      pooledLine(`${name} / bare-do, p99 (paced, pooled)`, variant.pooledP99);
      turnsLine(`${name} / bare-do, p99 (paced, turns)`, variant.p99Turns);
      ratioLine(`${name} / bare-do, p99 (paced, rounds)`, variant.p99);
      ratioLine(`watch-session - ${name}, CPU us/delivery`, variant.cpuSavedUs, 1);
      ratioLine(`  the same, paced`, variant.pacedCpuSavedUs, 1);
    }
    ratioLine("bare-do+write / bare-do, deliveries/s", ratios.bareWriteThroughput);
    ratioLine("bare-do+write / bare-do, CPU per delivery", ratios.bareWriteCpu);
    ratioLine("bare-do+write - bare-do, p50 ms (paced)", ratios.bareWriteP50);
    ratioLine("node-ws / bare-do, deliveries/s", ratios.nodeWsThroughput);
    ratioLine("node-ws / bare-do, p99 (paced)", ratios.nodeWsP99);
    if (goals) {
      console.log(
        `  ${verdict(goals.throughput.pass)} throughput ${fmt(goals.throughput.measured, 2)} x bare DO ` +
          `(goal >= ${GOALS.minThroughputRatio}); ${verdict(goals.p99.pass)} p99 ${fmt(goals.p99.measured, 2)} x ` +
          `bare DO, median of ${goals.p99.basis} (goal <= ${GOALS.maxP99Ratio})` +
          (goals.p99.confidence ? `; the median's 95% interval: goal ${goals.p99.confidence}` : ""),
      );
    }
  }
  if (analysis.pass !== null)
    console.log(`\n${verdict(analysis.pass)} overall (every N must meet both goals)`);
}
