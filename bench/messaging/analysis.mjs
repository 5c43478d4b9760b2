// The messaging benchmark's medians, per-round ratios and the goal (see README.md).
import { medians } from "../lib/interleave.mjs";
import { formatTable, round } from "../lib/report.mjs";
import {
  fmt,
  joinLine,
  planLine,
  pooledLine,
  pooledP99Ratio,
  ratioLine,
  verdict,
  wholeRounds,
} from "../lib/room-report.mjs";
import { perRound } from "../lib/rounds.mjs";

/** The issue's goal: the ChatRoom reaches this share of the bare DO's throughput, at every N. */
export const GOAL = { minThroughputRatio: 0.85 };

const FIELDS = [
  "deliveriesPerSec",
  "p50",
  "p99",
  "cpuUsPerDelivery",
  "loadedP50",
  "loadedP99",
  "clientCpuUsPerDelivery",
  "bytesPerDelivery",
  "otherLoad",
  "pacedCpuUsPerDelivery",
];

const minus = (a, b) => a - b;

export function analyze(sizes, targets) {
  const bySize = sizes.map(({ n, plan, joins, runs: all, pooled = {} }) => {
    const { complete, runs } = wholeRounds(targets, all);
    const summaries = Object.fromEntries(targets.map(({ name }) => [name, medians(runs[name], FIELDS)]));
    const judged = complete > 0 && runs["chat-room"] && runs["bare-do"];
    const ratios = judged
      ? {
          throughput: perRound(runs, "chat-room", "bare-do", "deliveriesPerSec"),
          p50: perRound(runs, "chat-room", "bare-do", "p50"),
          p99: perRound(runs, "chat-room", "bare-do", "p99"),
          pooledP99: pooledP99Ratio(pooled, "chat-room", "bare-do"),
          cpu: perRound(runs, "chat-room", "bare-do", "cpuUsPerDelivery"),
          cpuExtraUs: perRound(runs, "chat-room", "bare-do", "cpuUsPerDelivery", minus),
        }
      : {};
    const goal = ratios.throughput
      ? {
          measured: ratios.throughput.median,
          limit: GOAL.minThroughputRatio,
          pass: ratios.throughput.median >= GOAL.minThroughputRatio,
        }
      : null;
    return { n, plan, joins, summaries, pooled, ratios, goal };
  });
  const judged = bySize.filter(({ goal }) => goal);
  return { sizes: bySize, pass: judged.length > 0 ? judged.every(({ goal }) => goal.pass) : null };
}

export function printReport(analysis, opts) {
  for (const { n, plan, joins, summaries, pooled, ratios, goal } of analysis.sizes) {
    console.log(planLine(n, plan, opts));
    const header = ["target", "deliveries/s", "msg/s", "p50 ms", "p99 ms", "pooled p99", "CPU us/dlv"];
    header.push("loaded p99 ms", "bytes/dlv", "other load");
    const rows = Object.entries(summaries).map(([name, s]) => [
      name,
      round(s.deliveriesPerSec),
      round(s.deliveriesPerSec / n),
      round(s.p50, 2),
      round(s.p99, 2),
      round(pooled?.[name]?.p99, 2),
      round(s.cpuUsPerDelivery, 1),
      round(s.loadedP99, 1),
      round(s.bytesPerDelivery),
      round(s.otherLoad, 2),
    ]);
    console.log(formatTable(header, rows));
    console.log(joinLine(n, joins));
    ratioLine("chat-room / bare-do, deliveries/s", ratios.throughput);
    pooledLine("chat-room / bare-do, p99 (paced, pooled)", ratios.pooledP99);
    ratioLine("chat-room / bare-do, p99 (paced, rounds)", ratios.p99);
    ratioLine("chat-room / bare-do, p50 (paced)", ratios.p50);
    ratioLine("chat-room / bare-do, CPU per delivery", ratios.cpu);
    ratioLine("chat-room - bare-do, CPU us per delivery", ratios.cpuExtraUs, 1);
    if (goal) {
      console.log(
        `  ${verdict(goal.pass)} throughput ${fmt(goal.measured, 2)} x bare DO (goal >= ${GOAL.minThroughputRatio})`,
      );
    }
  }
  if (analysis.pass !== null) console.log(`\n${verdict(analysis.pass)} overall (every N must meet the goal)`);
}

export function printLike(like) {
  if (!like) return;
  console.log(
    `\nlike -> owner's /v1/me/ws notification: ${like.received}/${like.likes} received, ` +
      `p50 ${fmt(like.p50, 1)} ms, p99 ${fmt(like.p99, 1)} ms, max ${fmt(like.max, 1)} ms` +
      `${like.errors.length ? `; errors: ${like.errors.slice(0, 3).join(" | ")}` : ""}`,
  );
}
