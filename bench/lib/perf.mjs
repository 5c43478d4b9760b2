// A native CPU profile of a whole workerd process with Linux `perf`: where its one event-loop thread
// spends its time by runtime layer (our JavaScript, the runtime APIs it calls, SQLite, fetch and RPC
// plumbing, garbage collection, Miniflare's own simulators...), which the V8 inspector's per-isolate
// profiles (profile.mjs) cannot show. workerd's binary keeps its symbols and frame pointers, and V8's
// `--perf-basic-prof` (in PERF_V8_FLAG, through MINIFLARE_WORKERD_V8_FLAGS) names the JIT-compiled code:
//   const recording = startPerf(pid, "/tmp/x.data");  ...run the load...  const data = await recording.stop();
//   const breakdown = await perfBreakdown(data);  printPerfBreakdown(breakdown, { cpuUsPerRequest });
// Needs `perf` on PATH and the right to attach to the process (root, or perf_event_paranoid <= 1).
// Sampling costs workerd a little CPU: a profiled run is a diagnostic, not a benchmark figure.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { formatTable, round } from "./report.mjs";

/**
 * The V8 flags that make workerd write /tmp/perf-<pid>.map, naming its JIT code for perf. On its own,
 * `--perf-basic-prof` also turns on V8's logger, which writes an isolate-*-v8.log per isolate into
 * the current folder; the log goes to /dev/null instead (the map does not depend on it).
 */
export const PERF_V8_FLAG = "--perf-basic-prof --no-logfile-per-isolate --logfile=/dev/null";

/** Whether `perf` can be run here. */
export function perfAvailable() {
  return spawnSync("perf", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Starts sampling every thread of `pid` (call stacks by frame pointer) into `file`.
 * @returns {{ stop: () => Promise<{ file: string, pid: number, seconds: number, frequency: number }> }}
 */
export function startPerf(pid, file, { frequency = 999 } = {}) {
  const child = spawn("perf", ["record", "-F", String(frequency), "-g", "-p", String(pid), "-o", file], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const closed = new Promise((resolve) => child.once("close", (code) => resolve(code)));
  const started = performance.now();
  return {
    async stop() {
      const seconds = (performance.now() - started) / 1000;
      child.kill("SIGINT");
      const code = await closed;
      // perf exits 0 or by the signal once it has written the file; anything else is a failure.
      if ((code !== 0 && code !== null) || !existsSync(file) || statSync(file).size === 0) {
        throw new Error(`perf record failed (exit ${code}): ${stderr.trim().slice(0, 500)}`);
      }
      return { file, pid, seconds, frequency };
    },
  };
}

/**
 * The layers a sample is counted in: the first whose test matches its stack (leaf first), in this
 * order. Tests are on symbol names (workerd's C++ and Rust, V8's, the kernel's) and on the JIT
 * names `--perf-basic-prof` gives (`JS:<tier><function> <script>:<line>:<column>`): our bundles
 * are all `index.js`, Miniflare's simulators `*.worker.js` or `miniflare:*`.
 */
const LAYERS = [
  {
    name: "garbage collection (on the thread)",
    test: /Heap::CollectGarbage|ScavengerCollector|MarkCompactCollector|MinorMarkSweep|cppgc::internal::(Marker|Sweeper)|CppHeap::|Heap::PerformGarbageCollection/,
  },
  { name: "Miniflare's D1 simulator (JS and its SQLite)", test: /^JS:.* database\.worker\.js/ },
  { name: "Miniflare's other simulators (queues, ...)", test: /^JS:.* (\S+\.worker\.js|miniflare:)/ },
  { name: "D1's client in the Workers (workerd's d1-api)", test: /^JS:.* cloudflare-internal:d1-api/ },
  {
    name: "Durable Object start and eviction",
    test: /worker_new_actor|Worker::Actor::Impl::Impl|Worker::Actor::~Actor|ActorSqlite::~ActorSqlite|SqliteDatabase::init|SqliteDatabase::~SqliteDatabase/,
  },
  { name: "SQLite of Durable Objects (queries, commits)", test: /sqlite3|SqliteDatabase|ActorSqlite/ },
];
const JS_FRAME = /^JS:/;
const RUNTIME_FRAME = /workerd::|kj::|capnp::|kj_rs|tcmalloc/;
/** Native layers of samples with no JavaScript on the stack, in order. */
const NATIVE = [
  { name: "JS RPC plumbing (native)", test: /JsRpc|capnp::/ },
  {
    name: "fetch, service bindings, entering isolates (native)",
    test: /Fetcher|fetchImpl|WorkerEntrypoint::request|ServiceWorkerGlobalScope::request|Worker::Lock|HttpClient|WorkerService/,
  },
  { name: "incoming HTTP (native)", test: /kj_hyper|HttpServer|hyper::/ },
  { name: "Queues (native)", test: /Queue/ },
  { name: "logging (native)", test: /[Cc]onsole|logMessage/ },
];
const OUR_JS = "the Workers' JavaScript (V8 running it)";
const OUR_JS_CALLS = "runtime APIs the Workers' JavaScript called";
const OTHER_THREADS = "V8's background threads (not the event loop)";
const REST = "event loop and other native work";

function layerOf(frames, mainThread) {
  if (!mainThread) return OTHER_THREADS;
  for (const layer of LAYERS) if (frames.some((frame) => layer.test.test(frame))) return layer.name;
  const js = frames.findIndex((frame) => JS_FRAME.test(frame));
  if (js >= 0) return frames.slice(0, js).some((frame) => RUNTIME_FRAME.test(frame)) ? OUR_JS_CALLS : OUR_JS;
  for (const layer of NATIVE) if (frames.some((frame) => layer.test.test(frame))) return layer.name;
  return REST;
}

/** `JS:+'hydrate index.js:26281:23` -> `hydrate (index.js)`; an anonymous function keeps its position. */
function jsName(frame) {
  const match = /^JS:[*+^~']*(.*?)\s*(\S+?)(:\d+:\d+)?$/.exec(frame);
  if (!match) return frame;
  const [, fn, script, position = ""] = match;
  return fn ? `${fn} (${script})` : `(anonymous) ${script}${position}`;
}

/**
 * Reads a recording (`perf script`) and counts its samples by layer, plus the JavaScript functions
 * the Workers' own samples were in (leaf-most JavaScript frame). workerd's map,
 * /tmp/perf-<pid>.map, stays: `perf report` needs it to name the JIT code.
 * JIT names are the map's: V8 reuses code addresses, so a function name is a good guess, not proof.
 */
export async function perfBreakdown({ file, pid, seconds, frequency }) {
  const script = spawn("perf", ["script", "-i", file, "-F", "comm,tid,ip,sym"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  script.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const layers = new Map();
  const functions = new Map();
  let samples = 0;
  let mainSamples = 0;
  let tid = null;
  let frames = [];
  const count = () => {
    if (tid === null) return;
    const main = tid === pid;
    const layer = layerOf(frames, main);
    samples++;
    if (main) mainSamples++;
    layers.set(layer, (layers.get(layer) ?? 0) + 1);
    if (layer === OUR_JS || layer === OUR_JS_CALLS) {
      const name = jsName(frames.find((frame) => JS_FRAME.test(frame)));
      functions.set(name, (functions.get(name) ?? 0) + 1);
    }
    tid = null;
    frames = [];
  };
  for await (const line of createInterface({ input: script.stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === "") count();
    else if (!/^\s/.test(line)) {
      // "workerd 12459": the thread's name (which may hold spaces), then its id.
      count();
      tid = Number(/(\d+)\s*$/.exec(line)?.[1] ?? -1);
    } else {
      // "    55e9e0421a72 JS:+'#txn database.worker.js:236:13": the address, then the symbol.
      const space = line.trimStart().indexOf(" ");
      frames.push(space < 0 ? "[unknown]" : line.trimStart().slice(space + 1));
    }
  }
  count();
  const code = await new Promise((resolve) =>
    script.exitCode !== null ? resolve(script.exitCode) : script.once("close", resolve),
  );
  if (code !== 0) throw new Error(`perf script failed (exit ${code}): ${stderr.trim().slice(0, 500)}`);
  const share = (n) => round((100 * n) / Math.max(1, samples), 1);
  return {
    seconds: round(seconds, 1),
    frequency,
    samples,
    // Samples of the event-loop thread against what a fully busy core would give at this frequency.
    mainThreadBusy: round(mainSamples / Math.max(1, seconds * frequency), 2),
    layers: [...layers]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => ({ name, samples: n, percent: share(n) })),
    functions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, n]) => ({ name, samples: n, percent: share(n) })),
  };
}

/** Prints the layers (with microseconds per request when given the run's workerd CPU per request) and the top functions. */
export function printPerfBreakdown(breakdown, { cpuUsPerRequest } = {}) {
  const busy = Math.round(breakdown.mainThreadBusy * 100);
  console.log(
    `\nworkerd by runtime layer (perf, ${breakdown.seconds} s, ${breakdown.samples} samples at ${breakdown.frequency} Hz; event-loop thread ${busy}% busy):`,
  );
  const perRequest = (percent) => (cpuUsPerRequest ? Math.round((percent / 100) * cpuUsPerRequest) : "-");
  console.log(
    formatTable(
      ["layer", "share %", "us/request"],
      breakdown.layers.map((layer) => [layer.name, layer.percent, perRequest(layer.percent)]),
    ),
  );
  console.log(
    "Where the Workers' own JavaScript samples were (leaf-most JavaScript function, all bundles are index.js):",
  );
  console.log(
    formatTable(
      ["function", "share %"],
      breakdown.functions.map((fn) => [fn.name, fn.percent]),
    ),
  );
}
