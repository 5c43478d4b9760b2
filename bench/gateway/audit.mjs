// How many times a token is verified on each request path, counted (not inferred from CPU): the probes
// around the gateway and users bundles count crypto.subtle.verify calls (jose's ES256 check).
import { readProbe } from "../lib/probe.mjs";

/** Sends `count` GETs one after another, each with headers(index); every answer must be a 200. */
async function sendSequentially(url, count, headers) {
  for (let index = 0; index < count; index++) {
    const response = await fetch(url, { headers: headers(index) });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`audit ${url}: ${response.status}`);
  }
}

/** Verifications per request, by Worker, while `count` requests go to `url`. */
async function verificationsPerRequest(probeUrls, url, count, headers) {
  const read = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(probeUrls).map(async ([name, probe]) => [name, await readProbe(probe)]),
      ),
    );
  const before = await read();
  await sendSequentially(url, count, headers);
  const after = await read();
  const byWorker = Object.fromEntries(
    Object.keys(probeUrls).map((name) => [name, (after[name].verify - before[name].verify) / count]),
  );
  const total = Object.values(byWorker).reduce((sum, value) => sum + value, 0);
  return { ...byWorker, total };
}

/**
 * For each path: verifications per request with tokens never seen before (each must be verified once,
 * and only once) and with a token already seen on that path (the per-isolate cache should answer).
 * @param {Record<string, string>} paths  path name -> URL of GET /v1/users/me
 * @param {Record<string, string>} probeUrls  Worker name -> its probe URL
 * @param {{ cached: (index: number) => Record<string, string>, mint: (count: number) => string[] }} tokens
 */
export async function auditVerifications(paths, probeUrls, tokens, count = 20) {
  const result = {};
  for (const [path, url] of Object.entries(paths)) {
    const fresh = tokens.mint(count);
    const freshHeaders = (index) => ({ ...tokens.cached(0), authorization: `Bearer ${fresh[index]}` });
    await sendSequentially(url, 1, tokens.cached); // the cached token has been seen on this path
    result[path] = {
      fresh: await verificationsPerRequest(probeUrls, url, count, freshHeaders),
      cached: await verificationsPerRequest(probeUrls, url, count, () => tokens.cached(0)),
    };
  }
  // Verified at most once per request on every path; the gateway's path must verify at all.
  const pass =
    Object.values(result).every(({ fresh }) => fresh.total <= 1) && result.gateway?.fresh.total === 1;
  return { count, paths: result, pass };
}

/** The audit as text lines. */
export function auditLines({ paths }) {
  const describe = (counts) =>
    `${counts.total.toFixed(2)} (${Object.entries(counts)
      .filter(([name]) => name !== "total")
      .map(([name, value]) => `${name} ${value.toFixed(2)}`)
      .join(", ")})`;
  return Object.entries(paths).map(
    ([path, { fresh, cached }]) =>
      `  ${path.padEnd(8)} new token: ${describe(fresh)}; seen token: ${describe(cached)}`,
  );
}
