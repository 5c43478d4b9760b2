import type { Context } from "hono";
import { type Authenticator, createAuthenticator, verifierFor } from "../../../lib/auth/authenticator";
import type { AccountDeps } from "./accounts";
import { authDb } from "./db/client";
import { isSessionLive } from "./db/sessions";
import type { ClientInfo } from "./sessions";
import { signingKeys } from "./signing-keys";

/** The queues of every service that consumes the auth service's events. */
export function eventQueues(env: AuthEnv): Queue[] {
  return [env.NOTIFICATION_EVENTS];
}

/**
 * What the auth service's domain code works with, made from the bindings for one request; its
 * ExecutionContext, when there is one, lets event sends finish after the response.
 */
export async function accountDeps(
  env: AuthEnv,
  ctx?: Pick<ExecutionContext, "waitUntil">,
): Promise<AccountDeps> {
  return {
    db: authDb(env.DB),
    keys: await signingKeys(env.SIGNING_KEYS),
    revoked: env.REVOKED_SESSIONS,
    users: env.USERS,
    pepper: env.PASSWORD_PEPPER,
    outbox: {
      d1: env.DB,
      queues: eventQueues(env),
      ...(ctx && { waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) }),
    },
    now: Date.now(),
  };
}

/** Requests of this isolate that ended at least one session; an entry lives as long as its request. */
const endedSessionsIn = new WeakSet<Request>();

/**
 * accountDeps for an HTTP request. A request that ends sessions is remembered, and its response
 * carries SESSIONS_ENDED_HEADER (createAuthApp) so the gateway forgets its revocation answers.
 * `afterResponse`: events are sent after the response (waitUntil) instead of before it.
 */
export async function requestDeps(
  c: Context<{ Bindings: AuthEnv }>,
  { afterResponse = false }: { afterResponse?: boolean } = {},
): Promise<AccountDeps> {
  const deps = await accountDeps(c.env, afterResponse ? c.executionCtx : undefined);
  const request = c.req.raw;
  return { ...deps, sessionsEnded: () => endedSessionsIn.add(request) };
}

/** Whether handling this request ended sessions (see requestDeps). */
export function endedSessions(request: Request): boolean {
  return endedSessionsIn.has(request);
}

/**
 * The auth service checks tokens against its own keys and its own sessions table, which is the
 * source of truth that the KV revocation list only mirrors.
 */
export function localAuthenticator(env: AuthEnv): Authenticator {
  return {
    async authenticate(token) {
      const verifier = verifierFor(await signingKeys(env.SIGNING_KEYS));
      const revocations = {
        isRevoked: async (sessionId: string) => !(await isSessionLive(authDb(env.DB), sessionId, Date.now())),
      };
      return createAuthenticator(verifier, revocations).authenticate(token);
    },
  };
}

export function clientInfo(c: Context): ClientInfo {
  return {
    userAgent: c.req.header("user-agent") ?? null,
    ip: c.get("forwarded")?.clientIp ?? c.req.header("cf-connecting-ip") ?? null,
  };
}
