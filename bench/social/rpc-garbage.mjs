// What a call between Workers leaves for V8's full collections. Each kind of call runs in a fresh
// workerd of its own with V8's collection tracing on (gc.mjs): the same number of requests, each
// making the same number of calls, and a row without calls as the floor. It answers whether the
// old-space garbage that sets off the mix's full collections comes with what a call carries (the
// posts it returns, in which form) or with the call itself (README, "2026-12-06 (evening)").
//
//   node bench/social/rpc-garbage.mjs [--requests 20000] [--calls 4] [--concurrency 4]
import http from "node:http";
import { parseArgs } from "node:util";
import { processCpuMs } from "../lib/cpu.mjs";
import { inlineWorker, startWorkers } from "../lib/platform.mjs";
import { formatTable, round } from "../lib/report.mjs";
import { GC_TRACE_FLAG, gcRecorder } from "./gc.mjs";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "20000" },
    calls: { type: "string", default: "4" },
    concurrency: { type: "string", default: "4" },
  },
});
const requests = Number(values.requests);
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);

// Ten posts shaped like the feed's hydrated ones: what a home read carries from posts to feed.
const POSTS = `
function posts(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: "pst_" + i + "_" + Math.random().toString(36).slice(2),
      author: { id: "usr_1", handle: "someone", displayName: "Some One", avatarUrl: null },
      text: "x".repeat(200), media: [], likeCount: i, commentCount: 0, shareCount: 0,
      likedByMe: false, createdAt: new Date().toISOString(), editedAt: null,
    });
  }
  return out;
}`;

const CALLEE = `
import { WorkerEntrypoint } from "cloudflare:workers";
${POSTS}
export default class extends WorkerEntrypoint {
  async fetch() { return Response.json({ ok: true }); }
  async posts(n) { return posts(n); }
  async postsText(n) { return JSON.stringify(posts(n)); }
  async count(n) { posts(n); return n; }
}`;

const CALLER = `
import { DurableObject } from "cloudflare:workers";
${POSTS}
export class Counter extends DurableObject {
  async count(n) { posts(n); return n; }
}
const one = {
  none: async () => structuredClone(posts(10)).length,
  posts: async (env) => (await env.CALLEE.posts(10)).length,
  "posts-disposed": async (env) => {
    const call = env.CALLEE.posts(10);
    const result = await call;
    call[Symbol.dispose]();
    return result.length;
  },
  "posts-text": async (env) => JSON.parse(await env.CALLEE.postsText(10)).length,
  count: async (env) => env.CALLEE.count(10),
  "object-count": async (env, i) => env.COUNTERS.get(env.COUNTERS.idFromName("c" + (i % 50))).count(10),
  fetch: async (env) => (await (await env.CALLEE.fetch("http://callee/")).json()).ok ? 10 : 0,
};
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const call = one[url.searchParams.get("mode")];
    const calls = Number(url.searchParams.get("calls"));
    let n = 0;
    for (let i = 0; i < calls; i++) n += await call(env, i);
    return new Response(String(n));
  },
};`;

const TARGETS = [
  { mode: "none", label: "no call (the same posts built and cloned in the caller)" },
  { mode: "posts", label: "service RPC returning 10 posts" },
  { mode: "posts-disposed", label: "the same, its RpcPromise disposed once awaited" },
  { mode: "posts-text", label: "service RPC returning 10 posts as JSON text" },
  { mode: "count", label: "service RPC returning a number (callee builds the posts)" },
  { mode: "object-count", label: "Durable Object RPC returning a number (same)" },
  { mode: "fetch", label: "service binding fetch, a small JSON response" },
];

function get(agent, port, path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent }, (response) => {
        response.resume();
        response.on("end", () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${response.statusCode}`)),
        );
      })
      .on("error", reject);
  });
}

async function measure({ mode }) {
  const recorder = gcRecorder();
  const saved = process.env.MINIFLARE_WORKERD_V8_FLAGS;
  process.env.MINIFLARE_WORKERD_V8_FLAGS = [saved, GC_TRACE_FLAG].filter(Boolean).join(" ");
  let platform;
  try {
    platform = await startWorkers(
      [
        inlineWorker("garbage-callee", CALLEE),
        inlineWorker("garbage-caller", CALLER, {
          serviceBindings: { CALLEE: "garbage-callee" },
          durableObjects: { COUNTERS: { className: "Counter", useSQLite: true } },
        }),
      ],
      { onLog: (entry) => recorder.take(entry) },
    );
  } finally {
    if (saved === undefined) delete process.env.MINIFLARE_WORKERD_V8_FLAGS;
    else process.env.MINIFLARE_WORKERD_V8_FLAGS = saved;
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const port = Number(new URL(platform.urls["garbage-caller"]).port);
    const path = `/?mode=${mode}&calls=${calls}`;
    await get(agent, port, path); // the Durable Objects' first wake and the isolates' first compile
    const from = performance.now();
    const cpuBefore = processCpuMs(platform.pid);
    let sent = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (sent++ < requests) await get(agent, port, path);
      }),
    );
    const cpuMs = processCpuMs(platform.pid) - cpuBefore;
    const elapsedMs = performance.now() - from;
    // Give the last lines of the trace time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const within = recorder.pauses.filter((p) => p.endAt >= from && p.endAt <= from + elapsedMs + 250);
    const full = within.filter((p) => p.kind === "full");
    const perThousand = 1000 / requests;
    // What stayed past the young generation: each isolate's heap from its first traced collection to
    // its last, plus what its full collections cleared on the way.
    const byIsolate = Map.groupBy(within, (p) => p.isolate);
    const grownMB = [...byIsolate.values()].reduce(
      (sum, pauses) => sum + pauses.at(-1).toMB - pauses[0].fromMB,
      full.reduce((sum, p) => sum + p.fromMB - p.toMB, 0),
    );
    return {
      cpuUsPerRequest: (cpuMs * 1000) / requests,
      elapsedMs,
      full: full.length,
      fullMsPerThousand: full.reduce((sum, p) => sum + p.pauseMs, 0) * perThousand,
      longestFullMs: Math.max(0, ...full.map((p) => p.pauseMs)),
      grownMBPerThousand: grownMB * perThousand,
      promotedMBPerThousand: within.reduce((sum, p) => sum + p.promotedMB, 0) * perThousand,
      scavenges: within.filter((p) => p.kind === "scavenge").length,
    };
  } finally {
    agent.destroy();
    await platform.mf.dispose();
  }
}

console.log(
  `[rpc-garbage] ${requests} requests a row, ${calls} calls each, ${concurrency} at a time; a fresh workerd a row`,
);
const results = [];
for (const target of TARGETS) {
  const result = await measure(target);
  results.push({ ...target, ...result });
  console.log(`[rpc-garbage] ${target.mode}: ${round(result.elapsedMs)} ms`);
}
const floor = results[0];
const rows = results.map((r) => [
  r.label,
  round(r.cpuUsPerRequest),
  round(r.promotedMBPerThousand, 2),
  r.full,
  round(r.fullMsPerThousand, 1),
  round(r.longestFullMs, 1),
  round(r.grownMBPerThousand, 2),
  floor.grownMBPerThousand > 0 ? `${round(r.grownMBPerThousand / floor.grownMBPerThousand, 1)}x` : "-",
]);
console.log(
  `\n${formatTable(
    [
      `${calls} calls a request`,
      "CPU us/req",
      "promoted MB/1k req",
      "full GCs",
      "full GC ms/1k req",
      "longest ms",
      "old gen MB/1k req",
      "vs no call",
    ],
    rows,
  )}`,
);
console.log(
  "\npromoted: what scavenges moved to the old generation; old gen: how much the isolates' heaps grew past the young generation (V8's heap and workerd's C++ objects), counting what full collections cleared",
);
