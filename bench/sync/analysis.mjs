// Summaries of the sync benchmark's rounds: spread of the clients' computed positions per change
// type and per sampling instant, their deviation from the server's position, the clock-sync error
// (and how much of it the path asymmetry explains), and when frames arrived against their `at`.
import { percentile } from "../lib/load.mjs";
import { round } from "../lib/report.mjs";
import { STEPS } from "./scenario.mjs";

/** n, min, p50, p99 and max of a list of numbers, rounded to 0.1. */
export function stats(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => round(percentile(sorted, p), 1);
  return { n: sorted.length, min: round(sorted[0] ?? Number.NaN, 1), p50: at(50), p99: at(99), max: at(100) };
}

const abs = (values) => values.map(Math.abs);
const present = (values) => values.filter((value) => value !== null);

function summarizeSamples(samples) {
  return {
    instants: samples.length,
    spreadMs: stats(samples.map((s) => s.spreadMs)),
    unbiasedSpreadMs: stats(samples.map((s) => s.unbiasedSpreadMs)),
    deviationMs: stats(abs(samples.flatMap((s) => s.deviationsMs))),
    late: samples.reduce((sum, s) => sum + s.late, 0),
  };
}

/**
 * @param {Awaited<ReturnType<import("./scenario.mjs").runRound>>[]} rounds
 * @param {number} goalMs  the p99 spread the issue asks for
 */
export function analyze(rounds, goalMs) {
  const changes = rounds.flatMap((r) => r.changes);
  const clients = rounds.flatMap((r) => r.clients);
  const types = [...new Set(STEPS.map((step) => step.type))];
  const instants = [...new Set(changes.flatMap((c) => c.samples.map((s) => s.afterMs)))];
  const ofType = (type) => changes.filter((c) => c.type === type);
  const overall = summarizeSamples(changes.flatMap((c) => c.samples));
  const verdict = (value) => (value <= goalMs ? "PASS" : "FAIL");
  return {
    goalMs,
    verdict: verdict(overall.spreadMs.p99),
    // The same judgement without the error no ping can see: what the client logic itself achieves.
    verdictWithoutAsymmetry: verdict(overall.unbiasedSpreadMs.p99),
    overall,
    byChange: Object.fromEntries(
      types.map((t) => [t, summarizeSamples(ofType(t).flatMap((c) => c.samples))]),
    ),
    byInstant: Object.fromEntries(
      instants.map((ms) => [
        ms,
        summarizeSamples(changes.flatMap((c) => c.samples.filter((s) => s.afterMs === ms))),
      ]),
    ),
    clock: {
      clients: clients.length,
      errorMs: stats(abs(clients.map((c) => c.clockErrorMs))),
      errorAfterSyncMs: stats(abs(clients.map((c) => c.clockErrorAfterSyncMs))),
      asymmetryMs: stats(abs(clients.map((c) => c.biasMs))),
      residualMs: stats(abs(clients.map((c) => c.clockErrorMs - c.biasMs))),
      minRttExcessMs: stats(clients.map((c) => c.minRttMs - c.rttMs)),
      samples: stats(clients.map((c) => c.samples)),
      syncMs: stats(rounds.map((r) => r.syncMs)),
      unsettled: rounds.reduce((sum, r) => sum + r.unsettled, 0),
    },
    // Positive: the frame reached the client that long before it takes effect.
    leadMs: Object.fromEntries(types.map((t) => [t, stats(present(ofType(t).flatMap((c) => c.leadMs)))])),
    // How far positions jumped when a frame arrived (a seek's jump is the seek itself: left out).
    jumpMs: Object.fromEntries(
      types
        .filter((t) => t !== "seek")
        .map((t) => [t, stats(abs(present(ofType(t).flatMap((c) => c.jumpMs))))]),
    ),
  };
}
