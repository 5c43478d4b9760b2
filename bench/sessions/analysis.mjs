// The sessions benchmark's medians, per-round ratios and goals (see README.md).
import { medians } from "../lib/interleave.mjs";
import { median } from "../lib/load.mjs";
import { formatTable, round } from "../lib/report.mjs";
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

/**
 * The p99 ratio of every paced turn with the other target's turn next to it (same round, same turn
 * number: at most one other target's turn apart), with the median and quartiles of those ratios.
 */
function perTurn(runs, a, b) {
  const values = runs[a].flatMap((run, index) =>
    (run.turnP99 ?? []).map((p99, turn) => p99 / runs[b][index]?.turnP99?.[turn]),
  );
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((x, y) => x - y);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: median(finite), q1: at(0.25), q3: at(0.75), min: sorted[0], max: sorted.at(-1), values };
}

/** Ratios of one room size, each per round then the median over rounds. */
function ratiosOf(runs) {
  const has = (name) => runs[name]?.length > 0;
  const ratios = {};
  if (has("watch-session") && has("bare-do")) {
    ratios.throughput = perRound(runs, "watch-session", "bare-do", "deliveriesPerSec");
    ratios.p99 = perRound(runs, "watch-session", "bare-do", "p99");
    ratios.p99Turns = perTurn(runs, "watch-session", "bare-do");
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
    // Whole rounds only (a failed run leaves the last round short).
    const complete = Math.min(...targets.map(({ name }) => all[name]?.length ?? 0));
    const runs = Object.fromEntries(targets.map(({ name }) => [name, (all[name] ?? []).slice(0, complete)]));
    const summaries = Object.fromEntries(targets.map(({ name }) => [name, medians(runs[name], FIELDS)]));
    const ratios = ratiosOf(runs);
    const [watch, bare] = [pooled["watch-session"], pooled["bare-do"]];
    if (watch && bare) ratios.pooledP99 = { value: watch.p99 / bare.p99, watch: watch.p99, bare: bare.p99 };
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
          },
        }
      : null;
    return { n, plan, joins, summaries, pooled, ratios, goals };
  });
  const judged = bySize.filter(({ goals }) => goals);
  const pass = judged.length > 0 && judged.every(({ goals }) => goals.throughput.pass && goals.p99.pass);
  return { sizes: bySize, pass: judged.length > 0 ? pass : null };
}

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const verdict = (pass) => (pass ? "PASS" : "FAIL");

function ratioLine(label, ratio, digits = 2) {
  if (!ratio) return;
  const each = ratio.rounds.map((value) => fmt(value, digits)).join(" ");
  console.log(`  ${label.padEnd(44)} ${fmt(ratio.median, digits).padStart(6)}   per round: ${each}`);
}

/** Prints a table per N, its ratios and verdicts, then the overall verdict. */
export function printReport(analysis, opts) {
  for (const { n, plan, joins, summaries, pooled, ratios, goals } of analysis.sizes) {
    console.log(
      `\nN = ${n}: saturated ${plan.saturate.senders} sender(s) x ${plan.saturate.window} in flight; ` +
        `paced ${fmt(plan.paced.messagesPerSec, 1)} msg/s (${opts.pacedRate} deliveries/s) from all ${n}, ` +
        `${plan.paced.slices ?? 1} turns of ${fmt(plan.paced.sliceMs ?? opts.pacedDurationMs)} ms per target and round`,
    );
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
    const joinCost = Object.entries(joins).map(
      ([name, join]) =>
        `${name} ${fmt(join.wallMs / 1000, 1)} s (${fmt(join.serverCpuMs / 1000, 1)} s server CPU)`,
    );
    console.log(`  joining ${n}: ${joinCost.join(", ")}`);
    ratioLine("watch-session / bare-do, deliveries/s", ratios.throughput);
    if (ratios.pooledP99) {
      const { value, watch, bare } = ratios.pooledP99;
      console.log(
        `  ${"watch-session / bare-do, p99 (paced, pooled)".padEnd(44)} ${fmt(value, 2).padStart(6)}   ` +
          `${fmt(watch, 2)} ms / ${fmt(bare, 2)} ms over all rounds' copies`,
      );
    }
    if (ratios.p99Turns) {
      const { median: mid, q1, q3, min, max, values } = ratios.p99Turns;
      console.log(
        `  ${"watch-session / bare-do, p99 (paced, turns)".padEnd(44)} ${fmt(mid, 2).padStart(6)}   ` +
          `quartiles ${fmt(q1, 2)} to ${fmt(q3, 2)}, range ${fmt(min, 2)} to ${fmt(max, 2)}, ${values.length} turns`,
      );
    }
    ratioLine("watch-session / bare-do, p99 (paced, rounds)", ratios.p99);
    ratioLine("watch-session / bare-do, p50 (paced)", ratios.p50);
    ratioLine("watch-session / bare-do, CPU per delivery", ratios.cpu);
    ratioLine("watch-session - bare-do, CPU us per delivery", ratios.cpuExtraUs, 1);
    ratioLine("watch-session / bare-do, p99 (saturated)", ratios.loadedP99);
    for (const [name, variant] of Object.entries(ratios).filter(([key]) =>
      key.startsWith("watch-session:"),
    )) {
      ratioLine(`${name} / bare-do, deliveries/s`, variant.throughput);
      ratioLine(`${name} / bare-do, p99 (paced)`, variant.p99);
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
          `bare DO, median of ${goals.p99.basis} (goal <= ${GOALS.maxP99Ratio})`,
      );
    }
  }
  if (analysis.pass !== null)
    console.log(`\n${verdict(analysis.pass)} overall (every N must meet both goals)`);
}
