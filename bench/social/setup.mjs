// Builds the social graph in the real services: a profile per node (users' createProfile RPC, with
// access tokens minted by the benchmark instead of 962 PBKDF2 registrations), each user's posts
// (posts service), then every edge followed both ways (users service), and waits until the feed
// Worker has consumed the queue. Authors over the feed's fan-out limit are then left as their first
// post would leave them. See README.md, "Setup", for why posts come before follows.
import { performance } from "node:perf_hooks";
import { processCpuMs } from "../lib/cpu.mjs";
import { accessTokenSigner, newId } from "../lib/tokens.mjs";
import { handleOf, postCounts, postText } from "./dataset.mjs";

/**
 * Sends `items` to the setup Worker's `op` in batches; throws on any failure.
 * @returns {Promise<unknown[]>} the results, in item order
 */
async function inBatches(setupUrl, op, items, { batch = 250, concurrency = 8, parallel = 2 } = {}) {
  const results = new Array(items.length);
  let next = 0;
  async function lane() {
    while (next < items.length) {
      const start = next;
      next += batch;
      const slice = items.slice(start, start + batch);
      const response = await fetch(new URL(`/${op}`, setupUrl), {
        method: "POST",
        body: JSON.stringify({ items: slice, concurrency }),
      });
      if (!response.ok) throw new Error(`setup ${op}: ${response.status} ${await response.text()}`);
      const { results: done, failures } = await response.json();
      if (failures.length > 0) throw new Error(`setup ${op}: ${failures.length} failed: ${failures[0]}`);
      done.forEach((result, offset) => {
        results[start + offset] = result;
      });
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane));
  return results;
}

/**
 * The benchmark's users: ids, handles and signed access tokens (lib/tokens.mjs: the auth Worker's
 * key, a fresh session id each; valid 15 minutes).
 */
export function makeUsers(count, signingKey) {
  const sign = accessTokenSigner(signingKey);
  return Array.from({ length: count }, (_, index) => {
    const id = newId("usr");
    const token = sign({ userId: id, sessionId: newId("ses") });
    return { index, id, handle: handleOf(index), token };
  });
}

/**
 * Creates profiles, posts and follows, then waits for the feed's queue to drain.
 * @param {{ setupUrl: string, pid: number, signingKey: object, fanoutLimit: number,
 *   graph: ReturnType<import("./dataset.mjs").loadGraph>,
 *   random: ReturnType<import("./dataset.mjs").rng>, log: (line: string) => void, drainTimeoutMs: number,
 *   drainWindowMs: number }} options
 * @returns the users, every post ({ id, createdAt, author } per user, newest first) and timings
 */
export async function buildSocialGraph(options) {
  const { setupUrl, pid, signingKey, fanoutLimit, graph, random, log, drainTimeoutMs, drainWindowMs } =
    options;
  const timings = {};
  const phase = async (name, work) => {
    const begin = performance.now();
    const cpuBefore = processCpuMs(pid);
    const result = await work();
    timings[name] = { seconds: (performance.now() - begin) / 1000, workerdCpuSeconds: 0 };
    timings[name].workerdCpuSeconds = (processCpuMs(pid) - cpuBefore) / 1000;
    log(
      `setup ${name}: ${timings[name].seconds.toFixed(1)} s (workerd CPU ${timings[name].workerdCpuSeconds.toFixed(1)} s)`,
    );
    return result;
  };

  const users = makeUsers(graph.users, signingKey);
  await phase("profiles", () =>
    inBatches(
      setupUrl,
      "profile",
      users.map((user) => ({ id: user.id, handle: user.handle, displayName: `Reed ${user.index}` })),
    ),
  );

  const counts = postCounts(random, graph.users);
  const planned = users.flatMap((user) =>
    Array.from({ length: counts[user.index] }, () => ({
      author: user.index,
      text: postText(random, graph.neighbours[user.index]),
    })),
  );
  const created = await phase("posts", () =>
    inBatches(
      setupUrl,
      "post",
      planned.map(({ author, text }) => ({ authorId: users[author].id, text })),
    ),
  );
  // Drained apart, so that the report can tell what a post and what a follow cost.
  await phase("posts drain", () =>
    waitForDrain(pid, { timeoutMs: drainTimeoutMs, windowMs: drainWindowMs, log }),
  );
  /** @type {{ id: string, createdAt: number, author: number }[][]} */
  const postsBy = users.map(() => []);
  created.forEach((post, i) => {
    postsBy[planned[i].author].push({ ...post, author: planned[i].author });
  });
  for (const list of postsBy) list.sort(newestFirst);

  const follows = graph.edges.flatMap(([a, b]) => [
    { followerId: users[a].id, handle: users[b].handle },
    { followerId: users[b].id, handle: users[a].handle },
  ]);
  await phase("follows", () => inBatches(setupUrl, "follow", follows, { batch: 500, concurrency: 16 }));
  await phase("follows drain", () =>
    waitForDrain(pid, { timeoutMs: drainTimeoutMs, windowMs: drainWindowMs, log }),
  );
  // The posts came before any follower, so nobody was found too big to fan out. In a running
  // platform an author over the limit is marked at their first post after that (a Timeline call per
  // follower): done here, so that the measured composes do not each pay for it once.
  const big = users
    .filter((user) => graph.neighbours[user.index].length > fanoutLimit)
    .map((user) => ({ userId: user.id, followerIds: graph.neighbours[user.index].map((i) => users[i].id) }));
  if (big.length > 0) await phase("big authors", () => inBatches(setupUrl, "bigAuthor", big, { batch: 50 }));
  return {
    users,
    postsBy,
    timings,
    counts: { users: users.length, posts: planned.length, follows: follows.length },
  };
}

/** Newest first, ties by id, as the Timeline and the posts service order them. */
export function newestFirst(a, b) {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Waits until workerd has been idle for a whole window longer than the feed queue's batch timeout
 * (`windowMs`: startSocialBench's `drainWindowMs`), logging progress every 10 s. The caller then
 * checks timelines to be sure.
 */
export async function waitForDrain(pid, { timeoutMs = 600_000, windowMs, maxShare = 0.03, log }) {
  if (!windowMs) throw new Error("waitForDrain needs the window (longer than the queue's batch timeout)");
  const begin = performance.now();
  let lastLog = begin;
  for (;;) {
    const before = processCpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const busy = (processCpuMs(pid) - before) / windowMs;
    if (busy <= maxShare) return;
    const waited = performance.now() - begin;
    if (waited > timeoutMs) throw new Error(`the feed queue did not drain in ${timeoutMs / 1000} s`);
    if (performance.now() - lastLog > 10_000) {
      log?.(
        `  draining the feed queue: ${(waited / 1000).toFixed(0)} s, workerd at ${(busy * 100).toFixed(0)}% of a core`,
      );
      lastLog = performance.now();
    }
  }
}
