import { exports } from "cloudflare:workers";

/**
 * The Worker under test's exports, typed. (Each Worker's generated types leave out its main
 * module, because all Workers share one TypeScript program; see scripts/typegen.mjs.)
 */
export function workerExports<T>(): T {
  return exports as unknown as T;
}
