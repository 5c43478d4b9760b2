// The command-line options of bench/social (see README.md, "Run it"); --quick shrinks the defaults.
import { parseArgs } from "node:util";
import { parseMix } from "./workload.mjs";

/** Numeric options: [default, default under --quick]. */
const NUMBERS = {
  seed: [1, 1],
  rate: [100, 100],
  duration: [45, 15],
  warmup: [5, 3],
  "step-duration": [15, 8],
  "step-budget": [150, 60],
  slo: [100, 100],
  rounds: [3, 1],
  "isolated-duration": [2500, 1500],
  "micro-calls": [200, 50],
  "reads-only-duration": [20, 8],
  // workerd evicts a Durable Object idle for 10 s: the wave of the 962 Timelines opened together
  // before the runs must pass before anything is measured (README, "Stalls").
  settle: [12, 12],
};

/** A whole number >= 0 given as option `name`. */
function count(name, text) {
  if (!/^\d+$/.test(text)) throw new Error(`--${name} takes a whole number, not "${text}"`);
  return Number(text);
}

/** The options; what is not given takes its default, or its --quick default (first 200 users). */
export function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      users: { type: "string" },
      fresh: { type: "boolean", default: false },
      disk: { type: "boolean", default: false },
      rates: { type: "string", default: "150,200,250,300,400,500,650,800" },
      "rates-down": { type: "string", default: "75,50,35,25" },
      "no-isolated": { type: "boolean", default: false },
      "no-micro": { type: "boolean", default: false },
      "no-steps": { type: "boolean", default: false },
      "no-reads-only": { type: "boolean", default: false },
      "queue-batch": { type: "string" },
      "queue-timeout": { type: "string" },
      "fanout-limit": { type: "string" },
      mix: { type: "string" },
      "no-build": { type: "boolean", default: false },
      bundles: { type: "string" },
      logs: { type: "string" },
      out: { type: "string" },
      profile: { type: "string" },
      "profile-only": { type: "string" },
      gc: { type: "boolean", default: false },
      perf: { type: "string" },
      ...Object.fromEntries(Object.keys(NUMBERS).map((name) => [name, { type: "string" }])),
    },
  });
  const quick = values.quick;
  const num = (name) => Number(values[name] ?? NUMBERS[name][quick ? 1 : 0]);
  return {
    quick,
    maxUsers: values.users ? Number(values.users) : quick ? 200 : undefined,
    seed: num("seed"),
    fresh: values.fresh,
    disk: values.disk,
    rate: num("rate"),
    durationMs: num("duration") * 1000,
    warmupMs: num("warmup") * 1000,
    rates: values.rates.split(",").map(Number),
    ratesDown: values["rates-down"].split(",").map(Number),
    stepMs: num("step-duration") * 1000,
    stepBudgetMs: num("step-budget") * 1000,
    sloMs: num("slo"),
    rounds: num("rounds"),
    isolatedMs: num("isolated-duration"),
    microCalls: num("micro-calls"),
    isolated: !values["no-isolated"],
    micro: !values["no-micro"],
    steps: !values["no-steps"],
    readsOnly: !values["no-reads-only"],
    readsOnlyMs: num("reads-only-duration") * 1000,
    settleMs: num("settle") * 1000,
    queueBatch: values["queue-batch"] ? Number(values["queue-batch"]) : undefined,
    queueTimeout: values["queue-timeout"] === undefined ? undefined : Number(values["queue-timeout"]),
    fanoutLimit:
      values["fanout-limit"] === undefined ? undefined : count("fanout-limit", values["fanout-limit"]),
    mix: parseMix(values.mix),
    build: !values["no-build"],
    bundleDir: values.bundles,
    logs: values.logs,
    out: values.out,
    profileDir: values.profile,
    profileOnly: values["profile-only"]?.split(","),
    gc: values.gc,
    perfFile: values.perf,
  };
}
