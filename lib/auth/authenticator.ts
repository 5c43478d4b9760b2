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

/** A signature check (cached per token) followed by a revocation check (never cached). */
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

/** The usual authenticator of a service: keys from the auth service over RPC, revocations in KV. */
export function remoteAuthenticator(auth: JwksSource, revoked: KVNamespace): Authenticator {
  return createAuthenticator(verifierFor(auth), kvRevocations(revoked));
}

/** The token of an `Authorization: Bearer <token>` header; null when there is no header. */
export function bearerToken(header: string | null | undefined): string | null {
  if (header === null || header === undefined || header === "") return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw new AppError("unauthorized", "the Authorization header must be 'Bearer <token>'");
  return match[1];
}
