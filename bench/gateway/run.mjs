// bench/gateway: what the gateway adds to an authenticated GET /v1/users/me, against the same call
// straight to the users Worker and through a bare Worker-to-Worker hop (the floor), all on one workerd
// via Miniflare's API (no wrangler dev proxy). See README.md. Usage: npm run bench:gateway [-- --quick]
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { environment, writeJson } from "../lib/report.mjs";
import { measureRounds, summarizeRuns } from "../lib/rounds.mjs";
import { analyze, printReport } from "./analysis.mjs";
import { auditVerifications } from "./audit.mjs";
import { gatewayTargets, smokeTest } from "./targets.mjs";
import { cachedTokenHeaders, registerUsers, tokenMinter } from "./tokens.mjs";
import { startGatewayBench } from "./workers.mjs";

const RESULTS = join(import.meta.dirname, "results", "latest.json");

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string", default: "7" },
      duration: { type: "string", default: "1500" },
      "latency-duration": { type: "string", default: "1500" },
      warmup: { type: "string", default: "1000" },
      connections: { type: "string", default: "32" },
      "max-requests": { type: "string", default: "20000" },
      users: { type: "string", default: "8" },
      fresh: { type: "boolean", default: false },
      assets: { type: "boolean", default: false },
      only: { type: "string" },
      "no-build": { type: "boolean", default: false },
      bundles: { type: "string" },
      logs: { type: "string" },
    },
  });
  const quick = values.quick;
  return {
    rounds: quick ? 1 : Number(values.rounds),
    durationMs: quick ? 1500 : Number(values.duration),
    latencyDurationMs: quick ? 1000 : Number(values["latency-duration"]),
    warmupMs: quick ? 500 : Number(values.warmup),
    connections: Number(values.connections),
    maxRequests: Number(values["max-requests"]),
    users: Number(values.users),
    fresh: values.fresh,
    withAssets: values.assets,
    only: values.only?.split(","),
    build: !values["no-build"],
    bundleDir: values.bundles,
    logs: values.logs,
  };
}

async function main() {
  const opts = options();
  const log = (line) => console.log(`[bench:gateway] ${line}`);
  log(`${opts.build && !opts.bundleDir ? "bundling Workers, " : ""}starting workerd...`);
  const onLog = opts.logs ? (entry) => appendFileSync(opts.logs, `${entry.message}\n`) : undefined;
  const bench = await startGatewayBench({ ...opts, onLog });
  try {
    log(`miniflare ${bench.version}, workerd pid ${bench.pid}`);
    const users = await registerUsers(bench.urls[bench.names.gateway], opts.users);
    const targets = gatewayTargets(bench, users, opts);
    await smokeTest(targets, users);
    const { names, urls } = bench;
    const me = (worker) => new URL("/v1/users/me", urls[worker]).href;
    const audit = await auditVerifications(
      { direct: me(names.users), floor: me(names.usersHop), gateway: me(names.gateway) },
      bench.probeUrls,
      { cached: cachedTokenHeaders(users), mint: tokenMinter(users, bench.signingKey) },
    );
    log(`${users.length} users; ${opts.rounds} rounds x ${targets.length} targets`);
    const runs = await measureRounds(targets, { ...opts, serverPid: bench.pid, log });
    const summaries = Object.fromEntries(targets.map(({ name }) => [name, summarizeRuns(runs[name])]));
    const analysis = opts.only ? null : analyze(runs, audit);
    printReport(summaries, analysis, audit);
    writeJson(RESULTS, {
      environment: environment({ miniflare: bench.version }),
      options: opts,
      summaries,
      analysis,
      audit,
      runs,
    });
    log(`results written to ${RESULTS}`);
  } finally {
    await bench.mf.dispose();
  }
}

main().catch((error) => {
  console.error(`[bench:gateway] failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
