// The targets of the gateway benchmark, in the order each round runs them.
import { cachedTokenHeaders, freshTokenHooks, tokenMinter } from "./tokens.mjs";

/** Each user's "<userId> <sessionId>", from the claims of their access token. */
function principalsOf(users) {
  return users.map(({ accessToken }) => {
    const { sub, sid } = JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString("utf8"));
    return `${sub} ${sid}`;
  });
}

/**
 * Loaded targets (many connections: req/s and CPU per request): the three paths of the issue, the
 * gateway's path without the gateway's code (path-floor), and a constant answer reached directly, by a
 * plain fetch hop and by a hop to a named entrypoint with the forwarded header (the hops' own cost); then one-connection twins (latency without
 * queueing) and, with `fresh`, twins that send a never-seen token on every request (the CPU cost of
 * one verification on each path).
 * @param {{ urls: Record<string, string>, names: Record<string, string | null>, signingKey: object }} bench
 * @param {{ handle: string, userId: string, accessToken: string }[]} users
 * @param {{ latencyDurationMs: number, fresh: boolean, only?: string[] }} options
 * @returns {import("../lib/rounds.mjs").Target[]}
 */
export function gatewayTargets(bench, users, { latencyDurationMs, fresh, only }) {
  const { urls, names } = bench;
  const me = (worker) => new URL("/v1/users/me", urls[worker]).href;
  const headers = cachedTokenHeaders(users);
  const mint = tokenMinter(users, bench.signingKey);
  const loaded = (name, worker) => ({ name, url: me(worker), headers });
  const principals = principalsOf(users);
  const withPrincipal = (index) => ({
    ...headers(index),
    "x-bench-principal": principals[index % users.length],
  });
  const freshTokens = (name, worker) => ({ name, url: me(worker), ...freshTokenHooks(mint) });
  const alone = (name, worker) => ({
    ...loaded(name, worker),
    connections: 1,
    durationMs: latencyDurationMs,
  });
  const targets = [
    loaded("direct", names.users),
    loaded("floor", names.usersHop),
    loaded("gateway", names.gateway),
    ...(names.gatewayAssets ? [loaded("gateway+assets", names.gatewayAssets)] : []),
    { name: "path-floor", url: me(names.pathFloor), headers: withPrincipal },
    { name: "constant", url: urls[names.constant] },
    { name: "constant+hop", url: urls[names.constantHop] },
    { name: "constant+entry", url: urls[names.constantEntry] },
    alone("direct/1conn", names.users),
    alone("floor/1conn", names.usersHop),
    alone("gateway/1conn", names.gateway),
    ...(fresh
      ? [
          freshTokens("direct/fresh", names.users),
          freshTokens("floor/fresh", names.usersHop),
          freshTokens("gateway/fresh", names.gateway),
        ]
      : []),
  ];
  return only ? targets.filter(({ name }) => only.includes(name)) : targets;
}

/**
 * One request to each target before measuring: a wrong setup fails here, with its answer. A profile
 * must be the first user's (every target's request 0 carries that user's token).
 */
export async function smokeTest(targets, users) {
  for (const target of targets) {
    await target.prepare?.({ maxRequests: 1, durationMs: 0 });
    const response = await fetch(target.url, { headers: target.headers?.(0) ?? {} });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${target.name}: ${response.status} ${body.slice(0, 300)}`);
    if (target.url.endsWith("/v1/users/me") && JSON.parse(body).handle !== users[0].handle) {
      throw new Error(`${target.name} answered another profile: ${body.slice(0, 300)}`);
    }
  }
}
