// A probe around a bundled Worker, to count what it does without touching its code: a wrapper entry
// module re-exports the bundle, counts calls of WebCrypto methods (jose verifies and signs with
// crypto.subtle), and answers the counts on an extra entrypoint, BenchProbe, on its own socket.
import { dirname, join } from "node:path";

export const PROBE_ENTRYPOINT = "BenchProbe";
const COUNTED = ["verify", "sign", "importKey"];

/** The wrapper module; `bundle` is the bundle's file name, next to it. */
function probeModule(bundle) {
  return `import { WorkerEntrypoint } from "cloudflare:workers";
export * from "./${bundle}";
export { default } from "./${bundle}";

const counts = Object.fromEntries(${JSON.stringify(COUNTED)}.map((method) => [method, 0]));
const subtle = globalThis.crypto.subtle;
for (const method of Object.keys(counts)) {
  const original = subtle[method];
  Object.defineProperty(subtle, method, {
    configurable: true,
    writable: true,
    value(...args) {
      counts[method]++;
      return original.apply(this, args);
    },
  });
}

export class ${PROBE_ENTRYPOINT} extends WorkerEntrypoint {
  fetch() {
    return Response.json(counts);
  }
}
`;
}

/**
 * Worker options (v4 shape, with `scriptPath` to a bundle) turned into the same Worker behind a probe.
 * Read its counts with `readProbe(await mf.unsafeGetDirectURL(name, PROBE_ENTRYPOINT))`.
 */
export function withProbe(worker) {
  const { scriptPath, modulesRoot, modules: _modules, unsafeDirectSockets = [], ...options } = worker;
  const root = modulesRoot ?? dirname(scriptPath);
  const bundle = scriptPath.slice(root.length + 1);
  return {
    ...options,
    modulesRoot: root,
    modules: [
      { type: "ESModule", path: join(root, "bench-probe.js"), contents: probeModule(bundle) },
      { type: "ESModule", path: scriptPath },
    ],
    unsafeDirectSockets: [
      ...unsafeDirectSockets,
      { host: "127.0.0.1", port: 0, entrypoint: PROBE_ENTRYPOINT },
    ],
  };
}

/** @returns {Promise<Record<string, number>>} calls of each counted crypto.subtle method so far */
export async function readProbe(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`probe ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}
