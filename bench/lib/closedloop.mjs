// Closed-loop HTTP load with a request factory: N connections, each sending its next request when the
// previous answer has been read (load.mjs does the same for one fixed URL). Same per-operation
// figures as openloop.mjs, with latency from each request's actual start.
import { performance } from "node:perf_hooks";
import { send } from "./openloop.mjs";

/**
 * @param {{ connections: number, durationMs: number, maxRequests?: number,
 *   next: (index: number) => import("./openloop.mjs").RequestSpec, agent: import("node:http").Agent,
 *   timeoutMs?: number, inspect?: (spec: import("./openloop.mjs").RequestSpec, body: string) => number }} options
 * @returns {Promise<{ sent: number, elapsedMs: number,
 *   ops: Record<string, import("./openloop.mjs").OpStats> }>}
 */
export async function runClosedLoop(options) {
  const { connections, durationMs, maxRequests = Number.POSITIVE_INFINITY, next, agent } = options;
  const ops = {};
  let sent = 0;
  const begin = performance.now();
  const deadline = begin + durationMs;

  async function connection() {
    while (sent < maxRequests && performance.now() < deadline) {
      const spec = next(sent++);
      ops[spec.op] ??= { latencies: [], ok: 0, failed: 0, samples: [], items: 0 };
      const stats = ops[spec.op];
      const started = performance.now();
      try {
        const { status, body } = await send(agent, spec, options.timeoutMs);
        if (status !== (spec.expect ?? 200)) throw new Error(`${status} ${body.slice(0, 200)}`);
        stats.ok++;
        stats.latencies.push(performance.now() - started);
        if (options.inspect) stats.items += options.inspect(spec, body);
      } catch (error) {
        stats.failed++;
        if (stats.samples.length < 5) stats.samples.push(String(error));
      }
    }
  }

  await Promise.all(Array.from({ length: connections }, connection));
  return { sent, elapsedMs: performance.now() - begin, ops };
}
