// Per-thread CPU of a process (/proc/<pid>/task/<tid>/schedstat, Linux): whether a server's work sits
// on one thread (workerd runs a process's Workers on one event-loop thread), so that its ceiling is
// one core whatever the machine has.
import { readdirSync, readFileSync } from "node:fs";

/** CPU nanoseconds of each live thread of `pid`, by thread id. */
export function threadCpuNs(pid) {
  const byThread = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      byThread.set(tid, BigInt(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byThread;
}

/**
 * A meter of the busiest thread: `stop()` gives the share of the wall time the busiest thread ran
 * (1 = a core's worth: the thread was saturated) and the share of all threads together.
 */
export function threadMeter(pid) {
  let before = new Map();
  let begin = 0;
  return {
    start() {
      before = threadCpuNs(pid);
      begin = performance.now();
    },
    /** @returns {{ busiestThreadShare: number, allThreadsShare: number }} */
    stop() {
      const wallNs = (performance.now() - begin) * 1e6;
      let busiest = 0;
      let all = 0;
      for (const [tid, ns] of threadCpuNs(pid)) {
        const used = Number(ns - (before.get(tid) ?? 0n));
        busiest = Math.max(busiest, used);
        all += used;
      }
      return { busiestThreadShare: busiest / wallNs, allThreadsShare: all / wallNs };
    },
  };
}
