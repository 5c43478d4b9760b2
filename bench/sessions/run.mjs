// bench/sessions: chat fan-out in one room of N = 10, 100, 500 clients, for the WatchSession Durable
// Object, a bare broadcasting Durable Object (the platform floor) and a plain Node `ws` server, in one run
// on workerd through Miniflare's API (no wrangler dev proxy). See README.md.
// Usage: npm run bench:sessions [-- --quick]
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createUsers } from "../lib/bench-users.mjs";
import { startNodeServer } from "../lib/child.mjs";
import { environment, writeJson } from "../lib/report.mjs";
import { measureRoomSize } from "../lib/room-measure.mjs";
import { roomOptionSpecs, roomOptions } from "../lib/room-options.mjs";
import { analyze, printReport } from "./analysis.mjs";
import { sessionTargets } from "./targets.mjs";
import { startSessionsBench } from "./workers.mjs";

const RESULTS = join(import.meta.dirname, "results", "latest.json");

function options() {
  const { values } = parseArgs({
    options: {
      ...roomOptionSpecs({ sizes: "10,100,500", rounds: "14" }),
      "chat-limit": { type: "string", default: "1000000" },
      only: { type: "string" },
      variant: { type: "string", multiple: true, default: [] },
      "bare-write": { type: "boolean", default: false },
      "own-worker": { type: "boolean", default: false },
    },
  });
  return {
    ...roomOptions(values),
    chatLimit: Number(values["chat-limit"]),
    only: values.only?.split(","),
    bareWrite: values["bare-write"],
    ownWorker: values["own-worker"],
    variants: values.variant.map((spec) => {
      const [name, bundle] = spec.split("=");
      if (!name || !bundle) throw new Error(`--variant takes name=path/to/sessions/index.js, not ${spec}`);
      return { name, bundle };
    }),
  };
}

async function main() {
  const opts = options();
  const started = Date.now();
  const log = (line) =>
    console.log(`[bench:sessions] ${((Date.now() - started) / 1000).toFixed(0)}s ${line}`);
  log(`${opts.build && !opts.bundleDir ? "bundling Workers, " : ""}starting workerd and the ws server...`);
  const onLog = opts.logs ? (entry) => appendFileSync(opts.logs, `${entry.message}\n`) : undefined;
  const bench = await startSessionsBench({ ...opts, onLog });
  const wsServer = await startNodeServer(join(import.meta.dirname, "ws-server.mjs")).catch(async (error) => {
    await bench.mf.dispose();
    throw error;
  });
  try {
    log(`miniflare ${bench.version}, workerd pid ${bench.pid}, ws server pid ${wsServer.pid}`);
    const users = await createUsers(bench.urls[bench.names.setup], bench.signingKey, Math.max(...opts.sizes));
    log(`${users.length} users with profiles and tokens`);
    const all = sessionTargets({
      sessionsUrl: bench.urls[bench.names.sessions],
      bareUrl: bench.urls[bench.names.bare],
      bareWriteUrl: opts.bareWrite ? bench.urls[bench.names.bareWrite] : undefined,
      workerdPid: bench.pid,
      wsUrl: `http://127.0.0.1:${wsServer.info.port}/`,
      wsPid: wsServer.pid,
      users,
      concurrency: opts.concurrency,
      variants: Object.fromEntries(
        Object.entries(bench.names.variants).map(([name, worker]) => [name, bench.urls[worker]]),
      ),
    });
    const targets = opts.only ? all.filter(({ name }) => opts.only?.includes(name)) : all;
    const sizes = [];
    let failure = null;
    try {
      for (const n of opts.sizes) sizes.push(await measureRoomSize(targets, n, opts, log));
    } catch (error) {
      // Report what was measured, then fail.
      failure = error;
      if (error.partial) sizes.push(error.partial);
    }
    const analysis = analyze(sizes, targets);
    printReport(analysis, opts);
    writeJson(RESULTS, {
      environment: environment({ miniflare: bench.version }),
      options: opts,
      ...(failure && { error: String(failure.stack ?? failure) }),
      analysis,
      sizes,
    });
    log(`results written to ${RESULTS} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
    if (failure) throw failure;
  } finally {
    await wsServer.stop();
    await bench.mf.dispose();
  }
}

main().catch((error) => {
  console.error(`[bench:sessions] failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
