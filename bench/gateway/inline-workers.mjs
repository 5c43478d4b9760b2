// The benchmark's own small Workers (inline scripts): the floors the gateway is compared with, and
// the pieces its cost breaks down into. None of them is deployed anywhere.
import { inlineWorker } from "../lib/platform.mjs";

/** A Worker-to-Worker hop that does nothing else: the request goes on, untouched, with fetch(). */
const FETCH_HOP = `export default {
  fetch(request, env) {
    return env.NEXT.fetch(request);
  },
};`;

/** What the gateway passes with each request (lib/service.ts Forwarded), here fixed. */
const FORWARDED = `{
  requestId: "req_bench_fixed_request_id",
  traceparent: "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01",
  clientIp: null,
  identity: { status: "anonymous" },
}`;

/** Adds the x-plaza-forwarded header the way the gateway does (lib/service.ts forwardedRequest). */
const WITH_FORWARDED = `function withForwarded(request, forwarded) {
  const headers = new Headers(request.headers);
  headers.set("x-plaza-forwarded", JSON.stringify(forwarded));
  return new Request(request, { headers });
}`;

/** The same hop the way the gateway makes it: to a named entrypoint's fetch, with the forwarded header. */
const ENTRYPOINT_HOP = `const FORWARDED = ${FORWARDED};
${WITH_FORWARDED}
export default {
  fetch(request, env) {
    return env.NEXT.fetch(withForwarded(request, FORWARDED));
  },
};`;

/** The cheapest Worker there is: a constant answer, from its default export and a named entrypoint. */
const CONSTANT = `import { WorkerEntrypoint } from "cloudflare:workers";
const answer = () => new Response('{"ok":true}', { headers: { "content-type": "application/json" } });
export class Constant extends WorkerEntrypoint {
  fetch(request) {
    return answer();
  }
}
export default { fetch: answer };`;

/**
 * The gateway's path without the gateway's code: the revocation read in KV (as lib/auth does it) and
 * the forward to users' UsersService entrypoint, with the caller taken from an x-bench-principal header
 * ("<userId> <sessionId>") instead of a verified token. Only the benchmark can reach it.
 */
const PATH_FLOOR = `const FORWARDED = ${FORWARDED};
${WITH_FORWARDED}
export default {
  async fetch(request, env) {
    const [userId, sessionId] = (request.headers.get("x-bench-principal") ?? "").split(" ");
    if ((await env.REVOKED_SESSIONS.get("revoked-session:" + sessionId)) !== null) {
      return new Response("revoked", { status: 401 });
    }
    const identity = { status: "authenticated", principal: { userId, sessionId } };
    return env.NEXT.fetch(withForwarded(request, { ...FORWARDED, identity }));
  },
};`;

/**
 * The inline Workers, and their names by role.
 * @param {{ users: string, revokedSessionsId: string }} real  the users Worker's name and the KV id
 *   of REVOKED_SESSIONS (from the wrangler configs)
 */
export function benchWorkers({ users, revokedSessionsId }) {
  const names = {
    usersHop: "bench-users-hop",
    pathFloor: "bench-path-floor",
    constant: "bench-constant",
    constantHop: "bench-constant-hop",
    constantEntry: "bench-constant-entry",
  };
  const workers = [
    inlineWorker(names.usersHop, FETCH_HOP, { serviceBindings: { NEXT: { name: users } } }),
    inlineWorker(names.pathFloor, PATH_FLOOR, {
      serviceBindings: { NEXT: { name: users, entrypoint: "UsersService" } },
      kvNamespaces: { REVOKED_SESSIONS: { id: revokedSessionsId } },
    }),
    inlineWorker(names.constant, CONSTANT),
    inlineWorker(names.constantHop, FETCH_HOP, { serviceBindings: { NEXT: { name: names.constant } } }),
    inlineWorker(names.constantEntry, ENTRYPOINT_HOP, {
      serviceBindings: { NEXT: { name: names.constant, entrypoint: "Constant" } },
    }),
  ];
  return { workers, names };
}
