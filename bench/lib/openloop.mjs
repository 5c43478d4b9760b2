// Open-loop HTTP load (wrk2's model): requests start on a fixed schedule, `rate` per second, whatever
// the server answers, so a slow server meets more work, not less. Latency is counted from each
// request's scheduled start (so a client-side delay counts against the server, as coordinated
// omission correction does), and requests that start late or cannot start are counted, not hidden.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * @typedef {object} RequestSpec
 * @property {string} op  the operation, for per-operation figures
 * @property {string} url
 * @property {string} [method]
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 * @property {number} [expect]  the status that counts as a success (default 200)
 *
 * @typedef {object} OpStats
 * @property {number[]} latencies  ms from the scheduled start to the last byte, successes only
 * @property {number[]} starts  ms from the run's start to each success's scheduled start (as latencies)
 * @property {number} ok
 * @property {number} failed  answered with another status, or no answer (socket error, timeout)
 * @property {string[]} samples  a few failures, for the report
 * @property {number} items  sum of `inspect`'s counts (say, items in a page), successes only
 */

/**
 * One request; resolves with the status and body once the response has been read, or throws.
 * @param {http.Agent} agent
 * @param {RequestSpec} spec
 */
export function send(agent, spec, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const headers = { ...spec.headers };
    if (spec.body !== undefined) headers["content-length"] = String(Buffer.byteLength(spec.body));
    const req = http.request(spec.url, { agent, method: spec.method ?? "GET", headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(spec.body);
  });
}

/**
 * Runs `rate` requests per second for `durationMs`, each made by `next(index)` at its start.
 * @param {{ rate: number, durationMs: number, next: (index: number) => RequestSpec,
 *   agent: http.Agent, maxInFlight?: number, lateMs?: number, timeoutMs?: number,
 *   inspect?: (spec: RequestSpec, body: string) => number }} options
 *   maxInFlight: a request due while this many are unanswered is skipped (counted, never sent);
 *   lateMs: a request starting more than this after its slot counts as late (the client fell behind)
 * @returns {Promise<{ scheduled: number, sent: number, late: number, skipped: number,
 *   maxLagMs: number, elapsedMs: number, scheduleMs: number, startedAt: number, ops: Record<string, OpStats> }>}
 *   elapsedMs: until the last answer; scheduleMs: the schedule's own length; startedAt: the
 *   performance.now() of the first slot (the origin of each OpStats' starts)
 */
export async function runOpenLoop(options) {
  const { rate, durationMs, next, agent, maxInFlight = 512, lateMs = 10, timeoutMs = 10_000 } = options;
  const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  /** @type {Record<string, OpStats>} */
  const ops = {};
  const statsOf = (op) => {
    ops[op] ??= { latencies: [], starts: [], ok: 0, failed: 0, samples: [], items: 0 };
    return ops[op];
  };
  const pending = new Set();
  let sent = 0;
  let late = 0;
  let skipped = 0;
  let maxLagMs = 0;

  const issue = (index, due) => {
    const spec = next(index);
    const stats = statsOf(spec.op);
    const fail = (reason) => {
      stats.failed++;
      if (stats.samples.length < 5) stats.samples.push(reason);
    };
    if (pending.size >= maxInFlight) {
      skipped++;
      fail(`skipped: ${maxInFlight} requests in flight`);
      return;
    }
    sent++;
    const promise = send(agent, spec, timeoutMs)
      .then(({ status, body }) => {
        if (status !== (spec.expect ?? 200)) return fail(`${status} ${body.slice(0, 200)}`);
        stats.ok++;
        stats.latencies.push(performance.now() - due);
        stats.starts.push(due - begin);
        if (options.inspect) stats.items += options.inspect(spec, body);
      })
      .catch((error) => fail(String(error)))
      .finally(() => pending.delete(promise));
    pending.add(promise);
  };

  const begin = performance.now();
  let index = 0;
  while (index < total) {
    const due = begin + index * interval;
    const now = performance.now();
    if (due > now) {
      await sleep(Math.max(1, Math.floor(due - now)));
      continue;
    }
    const lag = now - due;
    maxLagMs = Math.max(maxLagMs, lag);
    if (lag > lateMs) late++;
    issue(index++, due);
  }
  const scheduleMs = performance.now() - begin;
  while (pending.size > 0) await Promise.all([...pending]);
  return {
    scheduled: total,
    sent,
    late,
    skipped,
    maxLagMs,
    elapsedMs: performance.now() - begin,
    scheduleMs,
    startedAt: begin,
    ops,
  };
}

/** A keep-alive agent for open-loop load: as many sockets as requests may be in flight. */
export function openLoopAgent(maxInFlight = 512) {
  return new http.Agent({ keepAlive: true, maxSockets: maxInFlight, maxFreeSockets: 64 });
}
