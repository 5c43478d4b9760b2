// bench/messaging: message fan-out in group conversations of N = 10 and 100 members through the real
// messaging Worker and ChatRoom, against a bare chat-room Durable Object (the floor) in the same run,
// interleaved rounds; then the time from a like to the post owner's live socket. One workerd through
// Miniflare's API (no wrangler dev proxy). See README.md.
// Usage: npm run bench:messaging [-- --quick]
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createUsers } from "../lib/bench-users.mjs";
import { environment, writeJson } from "../lib/report.mjs";
import { measureRoomSize } from "../lib/room-measure.mjs";
import { roomOptionSpecs, roomOptions } from "../lib/room-options.mjs";
import { analyze, printLike, printReport } from "./analysis.mjs";
import { measureLikeToSocket } from "./like.mjs";
import { chatTargets } from "./targets.mjs";
import { startMessagingBench } from "./workers.mjs";

const RESULTS = join(import.meta.dirname, "results", "latest.json");

function options() {
  const { values } = parseArgs({
    options: {
      ...roomOptionSpecs({ sizes: "10,100", rounds: "5" }),
      "send-limit": { type: "string", default: "1000000" },
      likes: { type: "string", default: "40" },
      "like-interval": { type: "string", default: "250" },
      "no-like": { type: "boolean", default: false },
    },
  });
  return {
    ...roomOptions(values),
    sendLimit: Number(values["send-limit"]),
    likes: values.quick ? 10 : Number(values.likes),
    likeIntervalMs: Number(values["like-interval"]),
    like: !values["no-like"],
  };
}

async function main() {
  const opts = options();
  const started = Date.now();
  const log = (line) =>
    console.log(`[bench:messaging] ${((Date.now() - started) / 1000).toFixed(0)}s ${line}`);
  log(`${opts.build && !opts.bundleDir ? "bundling Workers, " : ""}starting workerd...`);
  const onLog = opts.logs ? (entry) => appendFileSync(opts.logs, `${entry.message}\n`) : undefined;
  const bench = await startMessagingBench({ ...opts, onLog });
  try {
    log(`miniflare ${bench.version}, workerd pid ${bench.pid}`);
    const userCount = Math.max(...opts.sizes, opts.like ? opts.likes + 1 : 0);
    const users = await createUsers(bench.urls[bench.names.setup], bench.signingKey, userCount);
    log(`${users.length} users with profiles and tokens`);
    const targets = chatTargets({
      messagingUrl: bench.urls[bench.names.messaging],
      bareUrl: bench.urls[bench.names.bare],
      workerdPid: bench.pid,
      users,
      concurrency: opts.concurrency,
    });
    const sizes = [];
    let failure = null;
    let like = null;
    try {
      for (const n of opts.sizes) sizes.push(await measureRoomSize(targets, n, opts, log));
      if (opts.like) {
        log(`like -> notification: ${opts.likes} likes, ${opts.likeIntervalMs} ms apart`);
        like = await measureLikeToSocket({
          postsUrl: bench.urls[bench.names.posts],
          notificationsUrl: bench.urls[bench.names.notifications],
          users,
          likes: opts.likes,
          intervalMs: opts.likeIntervalMs,
        });
      }
    } catch (error) {
      failure = error;
      if (error.partial) sizes.push(error.partial);
    }
    const analysis = analyze(sizes, targets);
    printReport(analysis, opts);
    printLike(like);
    writeJson(RESULTS, {
      environment: environment({ miniflare: bench.version }),
      options: opts,
      ...(failure && { error: String(failure.stack ?? failure) }),
      analysis,
      like,
      sizes,
    });
    log(`results written to ${RESULTS} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
    if (failure) throw failure;
  } finally {
    await bench.mf.dispose();
  }
}

main().catch((error) => {
  console.error(`[bench:messaging] failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
