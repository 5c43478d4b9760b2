// CPU time of a server process from /proc (Linux only): what a benchmark divides by its request count.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (almost always 100). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses).
 * @returns {{ comm: string, state: string, ppid: number, utime: number, stime: number }}
 */
function readStat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  // After ")": state(3) ppid(4) ... utime(14) stime(15); index 0 here is field 3.
  const fields = text.slice(close + 2).split(" ");
  return {
    comm,
    state: fields[0],
    ppid: Number(fields[1]),
    utime: Number(fields[11]),
    stime: Number(fields[12]),
  };
}

/** CPU time (user + system, all threads) a process has used so far, in milliseconds. */
export function processCpuMs(pid) {
  const { utime, stime } = readStat(pid);
  return ((utime + stime) * 1000) / CLOCK_TICKS;
}

/**
 * CPU time in nanoseconds summed over the live threads of a process (/proc/<pid>/task/<tid>/schedstat):
 * finer than the 10 ms ticks of processCpuMs, but it forgets threads that have exited.
 */
export function processCpuNsByThreads(pid) {
  let total = 0n;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += BigInt(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}

/** The ids of the live processes named `name` whose parent is `ppid` (default: this process). */
export function findChildProcesses(name, ppid = process.pid) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readStat(entry);
      if (stat.comm === name && stat.ppid === ppid && stat.state !== "Z") found.push(Number(entry));
    } catch {
      // The process ended while we scanned.
    }
  }
  return found;
}

/** The one child process named `name`; throws when there is none or more than one. */
export function findChildProcess(name, ppid = process.pid) {
  const found = findChildProcesses(name, ppid);
  if (found.length !== 1) {
    throw new Error(`expected one child process named ${name} of ${ppid}, found ${found.length}`);
  }
  return found[0];
}

/**
 * A CPU meter for a process: `start()` then `stop()` gives the CPU milliseconds in between, by
 * /proc/<pid>/stat ticks (includes exited threads) and by thread schedstat (finer).
 */
export function cpuMeter(pid) {
  let ticksAtStart = 0;
  let nsAtStart = 0n;
  return {
    start() {
      ticksAtStart = processCpuMs(pid);
      nsAtStart = processCpuNsByThreads(pid);
    },
    /** @returns {{ cpuMs: number, cpuMsFine: number }} */
    stop() {
      const cpuMs = processCpuMs(pid) - ticksAtStart;
      const cpuMsFine = Number(processCpuNsByThreads(pid) - nsAtStart) / 1e6;
      return { cpuMs, cpuMsFine };
    },
  };
}

/** CPU time the whole machine has spent busy so far (all cores, /proc/stat), in milliseconds. */
export function machineBusyMs() {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
  const ticks = fields.slice(0, 8).map(Number);
  const busy = ticks.reduce((sum, value) => sum + value, 0) - ticks[3] - ticks[4];
  return (busy * 1000) / CLOCK_TICKS;
}

/**
 * Waits until a process is quiet: less than `maxShare` of a core over `windowMs` (say, after a burst of
 * joins, before measuring). Resolves with the milliseconds waited; throws after `timeoutMs`.
 */
export async function waitForIdle(pid, { maxShare = 0.05, windowMs = 250, timeoutMs = 30_000 } = {}) {
  const begin = Date.now();
  for (;;) {
    const before = processCpuNsByThreads(pid);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const busyMs = Number(processCpuNsByThreads(pid) - before) / 1e6;
    if (busyMs <= windowMs * maxShare) return Date.now() - begin;
    if (Date.now() - begin > timeoutMs) throw new Error(`process ${pid} still busy after ${timeoutMs} ms`);
  }
}

/**
 * Waits (up to `timeoutMs`) until other processes use less than `maxOtherCores` of the machine over
 * `windowMs`: "other" is the machine's busy time minus this process and `pids` (our idle servers).
 * Best effort on a shared machine: resolves with the wait and the last load seen, never throws.
 * @param {number[]} [pids]
 * @returns {Promise<{ waitedMs: number, otherLoad: number }>}
 */
export async function waitForQuietMachine(
  pids = [],
  { maxOtherCores = 0.3, windowMs = 200, timeoutMs = 2_000 } = {},
) {
  const begin = Date.now();
  for (;;) {
    const ours = () => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    const machineBefore = machineBusyMs();
    const oursBefore = ours();
    const selfBefore = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const self = process.cpuUsage(selfBefore);
    const otherMs =
      machineBusyMs() - machineBefore - (ours() - oursBefore) - (self.user + self.system) / 1000;
    const otherLoad = Math.max(0, otherMs) / windowMs;
    const waitedMs = Date.now() - begin;
    if (otherLoad <= maxOtherCores || waitedMs >= timeoutMs) return { waitedMs, otherLoad };
  }
}
