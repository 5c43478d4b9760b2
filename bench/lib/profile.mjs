// CPU profiles of every isolate in one workerd, through its V8 inspector (Chrome DevTools
// Protocol): start with `inspectorPort` in startWorkers' shared options, then
//   const session = await startProfiling(port);  ...run the load...  const profiles = await session.stop();
//   printProfileSummary(profiles); writeProfiles(profiles, dir);   // .cpuprofile files open in DevTools
// Every isolate is a target: the Workers (`core:user:<name>`) and Miniflare's own (D1, KV, queues...).
// Sampling costs the isolates some CPU, so a profiled run's latencies are not the benchmark's figures.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Starts V8's sampling profiler in every isolate the inspector lists.
 * @param {number} port  the inspector port given to Miniflare
 * Profiling many isolates at once distorts the figures (each profiler interrupts the one thread
 * that runs them all): pick a few with `only` (substrings of the target ids, say ["plaza-feed"]).
 * @param {{ intervalUs?: number, host?: string, only?: string[] }} [options]
 * @returns {Promise<{ stop: () => Promise<Map<string, object>> }>}  stop gives each target's profile
 */
export async function startProfiling(port, { intervalUs = 1000, host = "127.0.0.1", only } = {}) {
  const listed = await (await fetch(`http://${host}:${port}/json/list`)).json();
  const targets = only ? listed.filter((target) => only.some((part) => target.id.includes(part))) : listed;
  if (targets.length === 0) throw new Error(`no inspector target matches ${only}`);
  const sessions = await Promise.all(targets.map((target) => openSession(target)));
  for (const session of sessions) {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: intervalUs });
    await session.send("Profiler.start");
  }
  return {
    async stop() {
      const profiles = new Map();
      for (const session of sessions) {
        const { profile } = await session.send("Profiler.stop");
        profiles.set(session.id, profile);
        session.close();
      }
      return profiles;
    },
  };
}

function openSession(target) {
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  const pending = new Map();
  let nextId = 1;
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${target.id}: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  return new Promise((resolve, reject) => {
    socket.addEventListener("error", () => reject(new Error(`inspector of ${target.id} unreachable`)));
    socket.addEventListener("open", () =>
      resolve({
        id: target.id,
        send(method, params = {}) {
          const id = nextId++;
          socket.send(JSON.stringify({ id, method, params }));
          return new Promise((done, fail) => pending.set(id, { resolve: done, reject: fail }));
        },
        close: () => socket.close(),
      }),
    );
  });
}

/** Writes each profile as `<target>.cpuprofile` (Chrome DevTools, Performance panel: load profile). */
export function writeProfiles(profiles, dir) {
  mkdirSync(dir, { recursive: true });
  for (const [id, profile] of profiles) {
    writeFileSync(join(dir, `${id.replaceAll(/[^\w.-]+/g, "_")}.cpuprofile`), JSON.stringify(profile));
  }
}

/** Milliseconds of samples per node id (self time): V8 gives sample node ids and the gaps between them. */
function selfTimes(profile) {
  const self = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    // A sample's weight is the time until the next one (the last one gets the previous gap).
    const delta = timeDeltas[i + 1] ?? timeDeltas[i] ?? 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + delta / 1000);
  }
  return self;
}

const IDLE = new Set(["(idle)", "(program)", "(garbage collector)"]);

function frameName(frame) {
  const file = frame.url ? frame.url.split("/").at(-1) : "";
  const where = file ? ` ${file}:${frame.lineNumber + 1}` : "";
  return `${frame.functionName || "(anonymous)"}${where}`;
}

/**
 * Per isolate: busy milliseconds (samples outside idle), then the functions with the most self time,
 * and the functions with the most total time (self plus callees) so that a cost inside the runtime
 * is charged to the code that asked for it.
 * @returns {{ target: string, busyMs: number, gcMs: number, top: {name: string, selfMs: number}[],
 *   inclusive: {name: string, totalMs: number}[] }[]}
 */
export function summarizeProfiles(profiles, { top = 15 } = {}) {
  const out = [];
  for (const [target, profile] of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const self = selfTimes(profile);
    const bySelf = new Map();
    const byTotal = new Map();
    let busyMs = 0;
    let gcMs = 0;
    for (const [id, ms] of self) {
      const name = frameName(nodes.get(id).callFrame);
      if (nodes.get(id).callFrame.functionName === "(garbage collector)") gcMs += ms;
      if (IDLE.has(nodes.get(id).callFrame.functionName)) continue;
      busyMs += ms;
      bySelf.set(name, (bySelf.get(name) ?? 0) + ms);
      // Each distinct function on the sample's stack gets the sample once (recursion counted once).
      const seen = new Set();
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const frameId = frameName(nodes.get(at).callFrame);
        if (seen.has(frameId) || nodes.get(at).callFrame.functionName === "(root)") continue;
        seen.add(frameId);
        byTotal.set(frameId, (byTotal.get(frameId) ?? 0) + ms);
      }
    }
    const sorted = (map, key) =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, ms]) => ({ name, [key]: Math.round(ms * 10) / 10 }));
    out.push({
      target,
      busyMs: Math.round(busyMs),
      gcMs: Math.round(gcMs),
      top: sorted(bySelf, "selfMs"),
      inclusive: sorted(byTotal, "totalMs"),
    });
  }
  return out.sort((a, b) => b.busyMs - a.busyMs);
}

/** Prints summarizeProfiles' result, busiest isolate first; `perRequest` divides by a request count. */
export function printProfileSummary(summary, { requests, minBusyMs = 5 } = {}) {
  const per = (ms) => (requests ? ` (${Math.round((ms * 1000) / requests)} us/req)` : "");
  for (const isolate of summary) {
    if (isolate.busyMs < minBusyMs) continue;
    console.log(
      `\n${isolate.target}: busy ${isolate.busyMs} ms${per(isolate.busyMs)}, gc ${isolate.gcMs} ms`,
    );
    console.log("  self:");
    for (const row of isolate.top) console.log(`    ${String(row.selfMs).padStart(8)} ms  ${row.name}`);
    console.log("  total (self + callees):");
    for (const row of isolate.inclusive)
      console.log(`    ${String(row.totalMs).padStart(8)} ms  ${row.name}`);
  }
}
