// The sync benchmark's text report: spread table, clock sync table, frame timing, verdict.
import { formatTable } from "../lib/report.mjs";

const SPREAD_HEADER = ["change", "instants", "spread p50", "p99", "max", "|dev| p50", "p99", "max"];

function spreadRow(name, s) {
  const { spreadMs: spread, deviationMs: dev } = s;
  return [
    name,
    s.instants,
    spread.p50,
    spread.p99,
    spread.max,
    dev.p50,
    dev.p99,
    dev.max,
    s.unbiasedSpreadMs.p99,
    s.late,
  ];
}

/** Prints the tables and the verdict of `analyze()`. */
export function printReport(analysis, opts) {
  const rows = [
    ...Object.entries(analysis.byChange).map(([name, s]) => spreadRow(name, s)),
    ...Object.entries(analysis.byInstant).map(([ms, s]) => spreadRow(`at +${ms} ms`, s)),
    spreadRow("overall", analysis.overall),
  ];
  console.log(`\nComputed positions of ${opts.clients} clients at the same true instants (media ms)`);
  console.log(formatTable([...SPREAD_HEADER, "w/o asym p99", "late"], rows));

  const c = analysis.clock;
  const clockRow = (name, s) => [name, s.p50, s.p99, s.max];
  console.log(`\nClock sync of ${c.clients} clients (ms); settled after ${c.syncMs.p50} ms (median round)`);
  console.log(
    formatTable(
      ["quantity", "p50", "p99", "max"],
      [
        clockRow("|offset error| at the end", c.errorMs),
        clockRow("|offset error| as changes began", c.errorAfterSyncMs),
        clockRow("|path asymmetry| (unseeable)", c.asymmetryMs),
        clockRow("|error - asymmetry|", c.residualMs),
        clockRow("best RTT - drawn RTT", c.minRttExcessMs),
      ],
    ),
  );
  if (c.unsettled) console.log(`${c.unsettled} clients had not settled when the changes began`);

  const timing = Object.entries(analysis.leadMs).map(([name, s]) => {
    const jump = analysis.jumpMs[name];
    return [name, s.min, s.p50, s.max, jump?.p50 ?? "-", jump?.p99 ?? "-", jump?.max ?? "-"];
  });
  console.log(
    "\nFrame arrival, ms before its `at` (negative: after), and |jump| of the position then (media ms)",
  );
  console.log(formatTable(["change", "lead min", "p50", "max", "|jump| p50", "p99", "max"], timing));

  const { overall, goalMs } = analysis;
  console.log(`\np99 spread ${overall.spreadMs.p99} ms (goal <= ${goalMs} ms): ${analysis.verdict}`);
  console.log(
    `without the path asymmetry no ping can measure: p99 ${overall.unbiasedSpreadMs.p99} ms: ${analysis.verdictWithoutAsymmetry}`,
  );
}
