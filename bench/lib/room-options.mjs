// The command-line options every room benchmark (bench/sessions, bench/messaging) shares: the measure
// plan of room-measure.mjs, the joins, and where the Workers' bundles come from. Each benchmark adds its
// own options beside them.

/**
 * parseArgs option specs of the shared options.
 * @param {{ sizes: string, rounds: string }} defaults  the benchmark's room sizes and rounds
 */
export function roomOptionSpecs({ sizes, rounds }) {
  return {
    quick: { type: "boolean", default: false },
    sizes: { type: "string", default: sizes },
    rounds: { type: "string", default: rounds },
    duration: { type: "string", default: "1000" },
    "paced-duration": { type: "string", default: "2000" },
    "paced-slices": { type: "string", default: "4" },
    warmup: { type: "string", default: "600" },
    inflight: { type: "string", default: "2000" },
    "paced-rate": { type: "string", default: "8000" },
    concurrency: { type: "string", default: "8" },
    "no-build": { type: "boolean", default: false },
    bundles: { type: "string" },
    logs: { type: "string" },
  };
}

/**
 * The shared options, parsed: measureRoomSize()'s options, the join concurrency, and the bundles
 * (`build`: rebuild them; `bundleDir`: take <dir>/<name>/index.js as they are). `--quick` is one short
 * round of two turns.
 * @param {Record<string, string | boolean | undefined>} values  parseArgs values of roomOptionSpecs()
 */
export function roomOptions(values) {
  const quick = values.quick === true;
  return {
    sizes: String(values.sizes).split(",").map(Number),
    rounds: quick ? 1 : Number(values.rounds),
    durationMs: quick ? 500 : Number(values.duration),
    pacedDurationMs: quick ? 800 : Number(values["paced-duration"]),
    pacedSlices: quick ? 2 : Math.max(1, Number(values["paced-slices"])),
    warmupMs: quick ? 300 : Number(values.warmup),
    inflight: Number(values.inflight),
    pacedRate: Number(values["paced-rate"]),
    concurrency: Number(values.concurrency),
    build: values["no-build"] !== true,
    bundleDir: typeof values.bundles === "string" ? values.bundles : undefined,
    logs: typeof values.logs === "string" ? values.logs : undefined,
  };
}
