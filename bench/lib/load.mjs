// A small HTTP load generator for loopback benchmarks: N keep-alive connections, each sending its next
// request when the previous answer has been read, bounded by a time limit and a request count.
import http from "node:http";
import { performance } from "node:perf_hooks";

/** A keep-alive agent with exactly `connections` sockets; reuse it across rounds of one target. */
export function keepAliveAgent(connections) {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
}

/**
 * One request; resolves when the whole response body has been read.
 * @returns {Promise<{ status: number, ms: number, body: string | null }>}
 */
function request(agent, url, method, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { agent, method, headers }, (res) => {
      const chunks = res.statusCode === 200 ? null : [];
      res.on("data", (chunk) => chunks?.push(chunk));
      res.on("end", () => {
        const body = chunks ? Buffer.concat(chunks).toString("utf8") : null;
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body });
      });
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * @typedef {object} LoadOptions
 * @property {string} url
 * @property {http.Agent} agent
 * @property {number} connections  requests in flight at once
 * @property {number} durationMs  no new request starts after this
 * @property {number} maxRequests  nor after this many have started
 * @property {string} [method]
 * @property {(index: number) => Record<string, string>} [headers]  headers of the index-th request
 *
 * @typedef {object} LoadResult
 * @property {number} requests  answered requests (any status)
 * @property {number} ok  answered with 200
 * @property {number} errors  failed without an answer (socket errors, timeouts)
 * @property {string[]} samples  a few of the non-200 answers and errors, for the report
 * @property {Float64Array} latencies  ms of each answered request, in completion order
 * @property {number} elapsedMs  from the first request sent to the last answer read
 */

/** @param {LoadOptions} options @returns {Promise<LoadResult>} */
export async function runLoad({ url, agent, connections, durationMs, maxRequests, method = "GET", headers }) {
  const latencies = new Float64Array(maxRequests);
  const samples = [];
  let started = 0;
  let answered = 0;
  let ok = 0;
  let errors = 0;
  const begin = performance.now();
  const deadline = begin + durationMs;

  async function connectionLoop() {
    while (started < maxRequests && performance.now() < deadline) {
      const index = started++;
      try {
        const { status, ms, body } = await request(agent, url, method, headers?.(index) ?? {});
        latencies[answered++] = ms;
        if (status === 200) ok++;
        else if (samples.length < 5) samples.push(`${status} ${body?.slice(0, 300)}`);
      } catch (error) {
        errors++;
        if (samples.length < 5) samples.push(String(error));
        if (errors > 100) throw new Error(`too many failed requests to ${url}: ${samples.join("; ")}`);
      }
    }
  }

  await Promise.all(Array.from({ length: connections }, connectionLoop));
  const elapsedMs = performance.now() - begin;
  return { requests: answered, ok, errors, samples, latencies: latencies.subarray(0, answered), elapsedMs };
}

/** The p-th percentile (0-100) of numbers sorted ascending, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median of a list of numbers (NaN when empty). */
export function median(values) {
  const sorted = [...values].filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** p50, p99 and mean of latencies in ms. */
export function latencySummary(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}
