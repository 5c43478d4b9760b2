// Reading and printing what room-measure.mjs measured (bench/sessions, bench/messaging): whole rounds per
// target, the pooled and per-turn p99 ratios, and the lines every room report prints.
import { median } from "./load.mjs";

/** A number with `digits` decimals, or "n/a". */
export const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

export const verdict = (pass) => (pass ? "PASS" : "FAIL");

/**
 * Each target's runs cut to the rounds every target completed (a failed run leaves the last round
 * short), and how many that is.
 * @param {{ name: string }[]} targets
 * @param {Record<string, Record<string, number>[]>} runs
 */
export function wholeRounds(targets, runs) {
  const complete = Math.min(...targets.map(({ name }) => runs[name]?.length ?? 0));
  return {
    complete,
    runs: Object.fromEntries(targets.map(({ name }) => [name, (runs[name] ?? []).slice(0, complete)])),
  };
}

/** `subject`'s pooled paced p99 against `floor`'s (every copy of every round), or undefined. */
export function pooledP99Ratio(pooled, subject, floor) {
  const [a, b] = [pooled?.[subject], pooled?.[floor]];
  return a && b ? { value: a.p99 / b.p99, subject: a.p99, floor: b.p99 } : undefined;
}

/**
 * A distribution-free confidence interval for the median of `sorted` (ascending): the order
 * statistics x(k) and x(n+1-k) with the largest k for which the binomial(n, 1/2) probability of
 * fewer than k samples below the median is at most (1 - confidence) / 2. Null below 6 samples
 * (no interval reaches 95% with fewer).
 * @param {number[]} sorted
 */
export function medianInterval(sorted, confidence = 0.95) {
  const n = sorted.length;
  const tail = (1 - confidence) / 2;
  // P(X <= j) for X ~ binomial(n, 1/2), summed in logs so that large n does not overflow.
  let logChoose = 0;
  let cumulative = 0;
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (j > 0) logChoose += Math.log((n - j + 1) / j);
    cumulative += Math.exp(logChoose - n * Math.LN2);
    if (cumulative > tail) break;
    k = j + 1;
  }
  if (k === 0) return null;
  return { low: sorted[k - 1], high: sorted[n - k], confidence };
}

/**
 * `subject`'s p99 against `floor`'s in every paced turn (same round, same turn number: at most one other
 * target's turn apart), with the median, its 95% confidence interval, quartiles and range of those
 * ratios; null without turns.
 * @param {Record<string, { turnP99?: number[] }[]>} runs  whole rounds (wholeRounds)
 */
export function perTurnP99Ratio(runs, subject, floor) {
  const values = (runs[subject] ?? []).flatMap((run, index) =>
    (run.turnP99 ?? []).map((p99, turn) => p99 / runs[floor]?.[index]?.turnP99?.[turn]),
  );
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((x, y) => x - y);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    median: median(finite),
    interval: medianInterval(sorted),
    q1: at(0.25),
    q3: at(0.75),
    min: sorted[0],
    max: sorted.at(-1),
    values,
  };
}

/** One ratio: its median, then each round's value. */
export function ratioLine(label, ratio, digits = 2, width = 44) {
  if (!ratio) return;
  const each = ratio.rounds.map((value) => fmt(value, digits)).join(" ");
  console.log(`  ${label.padEnd(width)} ${fmt(ratio.median, digits).padStart(6)}   per round: ${each}`);
}

/** The pooled p99 ratio, with both p99s. */
export function pooledLine(label, pooled, width = 44) {
  if (!pooled) return;
  console.log(
    `  ${label.padEnd(width)} ${fmt(pooled.value, 2).padStart(6)}   ` +
      `${fmt(pooled.subject, 2)} ms / ${fmt(pooled.floor, 2)} ms over all rounds' copies`,
  );
}

/** The per-turn p99 ratio (perTurnP99Ratio): its median, 95% interval, quartiles, range, turns. */
export function turnsLine(label, turns, width = 44) {
  if (!turns) return;
  const { median: middle, interval, q1, q3, min, max, values } = turns;
  const ci = interval ? `95% CI of the median ${fmt(interval.low, 2)} to ${fmt(interval.high, 2)}, ` : "";
  console.log(
    `  ${label.padEnd(width)} ${fmt(middle, 2).padStart(6)}   ${ci}` +
      `quartiles ${fmt(q1, 2)} to ${fmt(q3, 2)}, range ${fmt(min, 2)} to ${fmt(max, 2)}, ${values.length} turns`,
  );
}

/**
 * What a per-turn ratio says about a goal of at most `limit`: "met" when the whole 95% interval of
 * the median is within it, "missed" when the whole interval is above it, "undecided" when the
 * interval contains the limit (this run cannot tell; more rounds narrow the interval).
 */
export function intervalVerdict(turns, limit) {
  const interval = turns?.interval;
  if (!interval) return null;
  if (interval.high <= limit) return "met";
  if (interval.low > limit) return "missed";
  return "undecided";
}

/** The heading of one room size: who sends how much, saturated and paced. */
export function planLine(n, plan, { pacedRate, pacedDurationMs }) {
  return (
    `\nN = ${n}: saturated ${plan.saturate.senders} sender(s) x ${plan.saturate.window} in flight; ` +
    `paced ${fmt(plan.paced.messagesPerSec, 1)} msg/s (${pacedRate} deliveries/s) from all ${n}, ` +
    `${plan.paced.slices ?? 1} turns of ${fmt(plan.paced.sliceMs ?? pacedDurationMs)} ms per target and round`
  );
}

/** What joining N cost each target. */
export function joinLine(n, joins) {
  const cost = Object.entries(joins).map(
    ([name, join]) =>
      `${name} ${fmt(join.wallMs / 1000, 1)} s (${fmt(join.serverCpuMs / 1000, 1)} s server CPU)`,
  );
  return `  joining ${n}: ${cost.join(", ")}`;
}
