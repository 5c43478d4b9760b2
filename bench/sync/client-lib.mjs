// The reference client (durable-objects/watch-session/client.ts) for Node: its module imports
// `./protocol` without an extension, which Node's type stripping cannot resolve, so esbuild bundles
// it (with the protocol's positionAt, the server's definition of "the true position") into a temporary
// ES module, imported once. The algorithm stays in the TypeScript file; nothing is copied here.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { ROOT } from "../lib/platform.mjs";

const SOURCE_DIR = join(ROOT, "durable-objects/watch-session");

/**
 * @returns {Promise<{ ClockSync: any, PlaybackClock: any, CLOCK_SYNC_DEFAULTS: any,
 *   positionAt: (playback: object, now: number) => number }>}
 */
export async function loadClientLib() {
  const outfile = join(tmpdir(), `plaza-bench-sync-client-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: 'export * from "./client.ts";\nexport { positionAt } from "./protocol.ts";\n',
      resolveDir: SOURCE_DIR,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    outfile,
    logLevel: "error",
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}
