import { TtlCache } from "../cache";
import { AppError } from "../errors";
import { type Principal, revokedSessionKey } from "./claims";
import { AccessTokenVerifier, type JwksSource } from "./verifier";

/** Turns a bearer token into the caller it names, or throws `unauthorized`. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal>;
}

/** Says whether a session was logged out or revoked. */
export interface RevocationCheck {
  isRevoked(sessionId: string): Promise<boolean>;
}

/** Revoked sessions as the auth service records them in KV (see REVOCATION_TTL_SECONDS). */
export function kvRevocations(kv: KVNamespace): RevocationCheck {
  return {
    async isRevoked(sessionId) {
      return (await kv.get(revokedSessionKey(sessionId))) !== null;
    },
  };
}

/**
 * Revocation answers kept per isolate for `ttlMs` (a revoked session stays revoked, so only "not
 * revoked" can go stale). KV itself is eventually consistent across locations (its edge caches
 * hold a read for up to a minute), so a few seconds here change little for other isolates, and
 * the isolate that carried a logout or revocation forgets its answers at once
 * (forgetRevocations). Keyed by the KV binding, which the runtime keeps for the isolate's life.
 */
const revocationCaches = new WeakMap<object, TtlCache<string, boolean>>();

export function cachedKvRevocations(kv: KVNamespace, ttlMs: number): RevocationCheck {
  let cache = revocationCaches.get(kv);
  if (!cache) {
    cache = new TtlCache<string, boolean>({ ttlMs, maxEntries: 10_000 });
    revocationCaches.set(kv, cache);
  }
  const answers = cache;
  const uncached = kvRevocations(kv);
  return {
    async isRevoked(sessionId) {
      const known = answers.get(sessionId);
      if (known !== undefined) return known;
      const revoked = await uncached.isRevoked(sessionId);
      answers.set(sessionId, revoked);
      return revoked;
    },
  };
}

/** Drops this isolate's cached revocation answers (after a request that may have revoked sessions). */
export function forgetRevocations(kv: KVNamespace): void {
  revocationCaches.get(kv)?.clear();
}

/** A signature check (cached per token) followed by a revocation check. */
export function createAuthenticator(
  verifier: AccessTokenVerifier,
  revocations: RevocationCheck,
): Authenticator {
  return {
    async authenticate(token) {
      const principal = await verifier.verify(token);
      if (await revocations.isRevoked(principal.sessionId)) {
        throw new AppError("unauthorized", "the session of this access token has ended");
      }
      return principal;
    },
  };
}

const verifiers = new WeakMap<object, AccessTokenVerifier>();

/**
 * The verifier for one key source, kept for the isolate's life so its key and token caches
 * survive across requests. Keyed by the binding object, which the runtime keeps for the isolate.
 */
export function verifierFor(source: JwksSource): AccessTokenVerifier {
  let verifier = verifiers.get(source);
  if (!verifier) {
    verifier = new AccessTokenVerifier(source);
    verifiers.set(source, verifier);
  }
  return verifier;
}

/**
 * The usual authenticator of a service: keys from the auth service over RPC, revocations in KV
 * (read every time, unless `revocationCacheMs` allows keeping answers that long: see
 * cachedKvRevocations).
 */
export function remoteAuthenticator(
  auth: JwksSource,
  revoked: KVNamespace,
  options: { revocationCacheMs?: number } = {},
): Authenticator {
  const revocations = options.revocationCacheMs
    ? cachedKvRevocations(revoked, options.revocationCacheMs)
    : kvRevocations(revoked);
  return createAuthenticator(verifierFor(auth), revocations);
}

/** The token of an `Authorization: Bearer <token>` header; null when there is no header. */
export function bearerToken(header: string | null | undefined): string | null {
  if (header === null || header === undefined || header === "") return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw new AppError("unauthorized", "the Authorization header must be 'Bearer <token>'");
  return match[1];
}
