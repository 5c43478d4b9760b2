// What the building blocks of a request cost in workerd's CPU: each call of probe-worker.mjs made `n`
// times in a row inside workerd, divided by n (the one HTTP request around them is amortized), in
// interleaved rounds. The diagnosis in README.md adds these up against the measured requests.
import { interleaveRounds, medians, withCpu } from "../lib/interleave.mjs";
import { round } from "../lib/report.mjs";

/**
 * @param {{ probeUrl: string, pid: number, meta: any, timelines: any, rounds: number, n: number,
 *   log: (line: string) => void }} options
 * @returns {Promise<Record<string, { cpuUsPerCall: number, usPerCall: number }>>}
 */
export async function measureBuildingBlocks({ probeUrl, pid, meta, timelines, rounds, n, log }) {
  const calls = await (await fetch(probeUrl)).json();
  // A home page's worth of ids: the 10 newest posts of a busy reader, and their authors.
  const reader = timelines.home.reduce(
    (best, list, i) => (list.length > timelines.home[best].length ? i : best),
    0,
  );
  const page = timelines.home[reader].slice(0, 10).map(([id]) => id);
  const authorOf = new Map(
    meta.postsBy.flatMap((posts, user) => posts.map(([id]) => [id, meta.users[user].id])),
  );
  const args = {
    postIds: page,
    authorIds: [...new Set(page.map((id) => authorOf.get(id)))],
    userIds: meta.users.slice(0, 50).map((user) => user.id),
    handles: meta.users.slice(0, 50).map((user) => user.handle),
  };
  const targets = calls.map((name) => ({ name }));
  const measure = async ({ name }) => {
    const cost = await withCpu(pid, async () => {
      const response = await fetch(probeUrl, {
        method: "POST",
        body: JSON.stringify({ call: name, n, args }),
      });
      if (!response.ok) throw new Error(`probe ${name}: ${response.status} ${await response.text()}`);
    });
    return {
      cpuUsPerCall: round((cost.serverCpuMsFine * 1000) / n, 0),
      usPerCall: round((cost.wallMs * 1000) / n, 0),
    };
  };
  const runs = await interleaveRounds(targets, { rounds, log: () => {}, warmup: true }, measure);
  const result = Object.fromEntries(
    calls.map((name) => [name, medians(runs[name], ["cpuUsPerCall", "usPerCall"])]),
  );
  log(`building blocks: ${calls.length} calls x ${n} x ${rounds} rounds`);
  return result;
}

/**
 * Opens every user's Timeline once (a readState each, through the probe), so that the measured runs
 * do not pay for first opens of the Durable Objects' storage that a fresh workerd starts without.
 */
export async function warmTimelines(probeUrl, userIds) {
  const response = await fetch(probeUrl, {
    method: "POST",
    body: JSON.stringify({ call: "timeline readState (DO)", n: userIds.length, args: { userIds } }),
  });
  if (!response.ok) throw new Error(`warming the timelines: ${response.status} ${await response.text()}`);
}
