// Garbage-collection pauses of the measuring workerd (--gc): V8's `--trace-gc-nvp` lines arrive with
// the Workers' output, one JSON object per collection; each is timed by when it arrived and set
// against the requests of a phase, to say how much of the tail waited for a collection.
// workerd runs every isolate on one thread and starts V8 with incremental marking off, so a full
// collection (mark-compact) of any isolate stops all of them (README, "2026-12-05, afternoon").
import { round } from "../lib/report.mjs";

/** The V8 flag that makes workerd print a line per collection. */
export const GC_TRACE_FLAG = "--trace-gc-nvp";

/** A line V8 prints itself: `[pid:isolate(:n)]   <ms since the isolate started> ms: ...`. */
const V8_LINE = /^\[(\d+):(0x[0-9a-f]+)(?::\d+)?\]\s+[\d.]+ ms: (.*)$/;

/** Pauses shorter than this are not counted against a request (a scavenge of 1-3 ms is routine). */
export const NOTABLE_PAUSE_MS = 5;

/**
 * Collects the collections workerd reports.
 * `take(entry)` is given every log entry (Miniflare's structured log: timestamp in ms since the
 * epoch, message) and says whether it was V8's tracing rather than a Worker's line.
 */
export function gcRecorder() {
  /** @type {{ endAt: number, pauseMs: number, kind: string, isolate: string, fromMB: number, toMB: number, embedderMB: number, promotedMB: number, v8Ms: number }[]} */
  const pauses = [];
  return {
    pauses,
    take(entry) {
      const match = V8_LINE.exec(entry.message);
      if (!match) return false;
      const text = match[3];
      if (!text.startsWith("GC: {")) return true;
      let nvp;
      try {
        nvp = JSON.parse(text.slice("GC: ".length));
      } catch {
        return true;
      }
      const mb = (bytes) => round((bytes ?? 0) / 2 ** 20, 1);
      pauses.push({
        // Miniflare stamps a line that is not its JSON with Date.now() as it reads it: the end of the
        // pause, give or take the client's own event-loop delay.
        endAt: entry.timestamp - performance.timeOrigin,
        pauseMs: nvp.pause,
        kind: nvp.gc === "mc" ? "full" : nvp.gc === "s" ? "scavenge" : String(nvp.gc),
        isolate: match[2],
        fromMB: mb(nvp.start_global_consumed_size),
        toMB: mb(nvp.end_global_consumed_size),
        // The global heap less V8's own: workerd's C++ objects (cppgc) behind the JS wrappers.
        embedderMB: mb((nvp.start_global_consumed_size ?? 0) - (nvp.start_object_size ?? 0)),
        // What a scavenge moved to the old generation: what the next full collection will have to clear.
        promotedMB: (nvp.promoted ?? 0) / 2 ** 20,
        // What V8 itemizes of its own work; the rest of a full pause is the embedder's.
        v8Ms:
          (nvp.mark ?? 0) + (nvp.clear ?? 0) + (nvp.evacuate ?? 0) + (nvp.sweep ?? 0) + (nvp.scavenge ?? 0),
      });
      return true;
    },
  };
}

/**
 * The collections within a phase, and how many of its slowest 1% of requests were in flight during a
 * pause of at least NOTABLE_PAUSE_MS.
 * @param {ReturnType<typeof gcRecorder>["pauses"]} pauses
 * @param {{ startedAt: number, elapsedMs: number, ops: Record<string, { latencies: number[], starts: number[] }> }} run
 *   an open-loop run (bench/lib/openloop.mjs): starts are ms from `startedAt` (performance.now())
 * @param {number} slowestFromMs  the latency from which a request is among the slowest 1% (tailSeconds)
 */
export function gcDuring(pauses, run, slowestFromMs) {
  const end = run.startedAt + run.elapsedMs;
  const within = pauses.filter((p) => p.endAt >= run.startedAt && p.endAt - p.pauseMs <= end);
  const notable = within.filter((p) => p.pauseMs >= NOTABLE_PAUSE_MS);
  const requests = Object.values(run.ops).flatMap((stats) =>
    stats.latencies.map((latency, i) => ({ from: run.startedAt + stats.starts[i], latency })),
  );
  const slowest = requests.filter((r) => r.latency >= slowestFromMs);
  const held = (r) => notable.some((p) => r.from <= p.endAt && r.from + r.latency >= p.endAt - p.pauseMs);
  const full = within.filter((p) => p.kind === "full");
  const scavenges = within.filter((p) => p.kind === "scavenge");
  const byIsolate = new Map();
  for (const p of within) {
    const row = byIsolate.get(p.isolate) ?? {
      isolate: p.isolate,
      full: 0,
      fullMs: 0,
      scavengeMs: 0,
      promotedMB: 0,
      peakMB: 0,
    };
    if (p.kind === "full") {
      row.full++;
      row.fullMs += p.pauseMs;
    } else row.scavengeMs += p.pauseMs;
    row.promotedMB += p.promotedMB;
    row.peakMB = Math.max(row.peakMB, p.fromMB);
    byIsolate.set(p.isolate, row);
  }
  return {
    full: full.map((p) => ({
      pauseMs: round(p.pauseMs, 1),
      v8Ms: round(p.v8Ms, 1),
      fromMB: p.fromMB,
      toMB: p.toMB,
      embedderMB: p.embedderMB,
      isolate: p.isolate,
      atSecond: Math.floor((p.endAt - run.startedAt) / 1000),
    })),
    scavenges: scavenges.length,
    scavengeMs: round(
      scavenges.reduce((sum, p) => sum + p.pauseMs, 0),
      1,
    ),
    longestScavengeMs: round(Math.max(0, ...scavenges.map((p) => p.pauseMs)), 1),
    pausedMs: round(
      within.reduce((sum, p) => sum + p.pauseMs, 0),
      1,
    ),
    slowest: slowest.length,
    slowestDuringPause: slowest.filter(held).length,
    // The isolates that paused workerd longest. V8 names them by address only; the inspector's heap
    // figures told whose they were once (README, "2026-12-05, afternoon").
    isolates: [...byIsolate.values()]
      .map((row) => ({
        ...row,
        fullMs: round(row.fullMs, 1),
        scavengeMs: round(row.scavengeMs, 1),
        promotedMB: round(row.promotedMB, 1),
      }))
      .sort((a, b) => b.fullMs + b.scavengeMs - (a.fullMs + a.scavengeMs))
      .slice(0, 6),
  };
}

/** One line for the log per isolate that paused workerd longest in a phase. */
export function describeIsolates(name, gc) {
  return gc.isolates.map(
    (row) =>
      `${name}: isolate ${row.isolate}: ${row.full} full collections, ${row.fullMs} ms; ` +
      `scavenges ${row.scavengeMs} ms; promoted ${row.promotedMB} MB; heap up to ${row.peakMB} MB`,
  );
}

/** One line for the log: the full collections, the scavenges, and the tail they account for. */
export function describeGc(name, gc) {
  const full = gc.full.length
    ? gc.full
        .map((p) => `${p.pauseMs} ms in s${p.atSecond} (${p.fromMB} -> ${p.toMB} MB, V8's own ${p.v8Ms} ms)`)
        .join(", ")
    : "none";
  return (
    `${name}: garbage collection paused workerd ${gc.pausedMs} ms; full collections: ${full}; ` +
    `${gc.scavenges} scavenges, ${gc.scavengeMs} ms, the longest ${gc.longestScavengeMs} ms; ` +
    `${gc.slowestDuringPause} of the slowest ${gc.slowest} requests were in flight during a pause of ${NOTABLE_PAUSE_MS} ms or more`
  );
}
