// Where a benchmark's real Worker bundles come from: rebuilt by scripts/build.mjs into .build/, or taken
// as they are from a folder (say, patched copies under /tmp for a diagnosis).
import { join } from "node:path";
import { buildWorkers } from "../../scripts/build.mjs";
import { ROOT } from "./platform.mjs";

/**
 * Each named Worker's bundle path (`<dir>/<name>/index.js`).
 * @param {string[]} names  Workers as scripts/build.mjs names them
 * @param {{ build: boolean, bundleDir?: string }} options  build: rebuild them first (unless bundleDir);
 *   bundleDir: the folder to take them from (default .build/)
 * @returns {Promise<Record<string, string>>}
 */
export async function workerBundles(names, { build, bundleDir }) {
  if (build && !bundleDir) return buildWorkers(names);
  const dir = bundleDir ?? join(ROOT, ".build");
  return Object.fromEntries(names.map((name) => [name, join(dir, name, "index.js")]));
}
