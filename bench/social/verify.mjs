// Before measuring: the timelines hold what the setup made (so the queue really drained and every
// follow was backfilled), checked on a sample of users against the expected newest-first lists.

/**
 * Compares the first page (up to 100 items) of `sample` users' home and user timelines with the
 * expected ones; throws on a mismatch.
 * @param {{ gatewayUrl: string, workload: ReturnType<import("./workload.mjs").socialWorkload>,
 *   sample: number }} options
 */
export async function verifyTimelines({ gatewayUrl, workload, sample }) {
  const { users, timelines } = workload;
  const step = Math.max(1, Math.floor(users.length / sample));
  let checked = 0;
  for (let index = 0; index < users.length && checked < sample; index += step, checked++) {
    const user = users[index];
    const headers = { authorization: `Bearer ${user.token}` };
    for (const [kind, path, expected] of [
      ["home", "/v1/feed?limit=100&order=latest", timelines.home[index]],
      ["user", `/v1/users/${user.handle}/posts?limit=100`, timelines.own[index]],
    ]) {
      const response = await fetch(new URL(path, gatewayUrl), { headers });
      const body = await response.text();
      if (response.status !== 200)
        throw new Error(`${kind} timeline of ${user.handle}: ${response.status} ${body}`);
      const got = JSON.parse(body).items.map((post) => post.id);
      const want = expected.slice(0, 100).map(([id]) => id);
      const same = got.length === want.length && got.every((id, i) => id === want[i]);
      if (!same) {
        throw new Error(
          `${kind} timeline of ${user.handle}: ${got.length} items, expected ${want.length}` +
            ` (first ${got[0]} vs ${want[0]}): the setup did not finish`,
        );
      }
    }
  }
  return checked;
}
