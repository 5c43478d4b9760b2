import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { AppError } from "../errors";
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  CLOCK_TOLERANCE_SECONDS,
  type Principal,
} from "./claims";

/** Where a verifier gets the auth service's public keys: its JWKS over RPC, or locally in auth. */
export interface JwksSource {
  jwks(): Promise<JSONWebKeySet>;
}

export interface VerifierOptions {
  /** How many verified tokens to remember (each until it expires). */
  cacheSize?: number;
  /** Least time between two JWKS reloads triggered by an unknown `kid`. */
  refreshCooldownMs?: number;
  now?: () => number;
}

interface CachedToken {
  principal: Principal;
  expiresAt: number;
}

/**
 * Verifies Plaza access tokens: ES256 only, `typ: at+jwt`, issuer, audience and expiry checked.
 * Keys come from the auth service's JWKS and are reloaded when a token names an unknown `kid`
 * (key rotation), at most once per cooldown so forged kids cannot hammer the auth service.
 * A verified token is remembered until it expires: verifying the same signature again on every
 * request of a session is the largest avoidable cost of an authenticated call. Revocation is not
 * this class's concern; see `authenticator.ts`.
 */
export class AccessTokenVerifier {
  readonly #source: JwksSource;
  readonly #cacheSize: number;
  readonly #refreshCooldownMs: number;
  readonly #now: () => number;
  readonly #verified = new Map<string, CachedToken>();
  /** The loaded key set (never a load in flight: see #loadKeys). */
  #keys: JWTVerifyGetKey | null = null;
  #loadedAt = 0;

  constructor(source: JwksSource, options: VerifierOptions = {}) {
    this.#source = source;
    this.#cacheSize = options.cacheSize ?? 2048;
    this.#refreshCooldownMs = options.refreshCooldownMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async verify(token: string): Promise<Principal> {
    const nowMs = this.#now();
    const cached = this.#verified.get(token);
    if (cached) {
      if (cached.expiresAt * 1000 > nowMs) return cached.principal;
      this.#verified.delete(token);
    }
    const { principal, expiresAt } = await this.#verifyAndDecode(token, nowMs);
    this.#remember(token, { principal, expiresAt });
    return principal;
  }

  async #verifyAndDecode(token: string, nowMs: number): Promise<CachedToken> {
    try {
      const { payload } = await jwtVerify(token, this.#resolveKey, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ["sub", "sid", "iat", "exp"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(nowMs),
      });
      const { sub, sid, exp } = payload;
      if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number") {
        throw new AppError("unauthorized", "the access token lacks its subject or session");
      }
      return { principal: { userId: sub, sessionId: sid }, expiresAt: exp };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) {
        throw new AppError("unauthorized", "the access token has expired");
      }
      if (error instanceof errors.JOSEError) {
        throw new AppError("unauthorized", "the access token is not valid");
      }
      throw error;
    }
  }

  readonly #resolveKey: JWTVerifyGetKey = async (...args) => {
    const keys = await this.#loadKeys(false);
    try {
      return await keys(...args);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (this.#now() - this.#loadedAt < this.#refreshCooldownMs) throw error;
      const fresh = await this.#loadKeys(true);
      return await fresh(...args);
    }
  };

  /**
   * The key set, loaded when there is none yet (or `force`). Only a loaded set is shared: requests
   * that find none each load it, rather than await another request's load, because that request
   * may end before its load settles and a promise of an ended request can stay pending forever
   * (the isolate would then refuse every token). A failed load leaves nothing behind.
   */
  async #loadKeys(force: boolean): Promise<JWTVerifyGetKey> {
    if (this.#keys && !force) return this.#keys;
    this.#loadedAt = this.#now();
    const keys = createLocalJWKSet(await this.#source.jwks());
    this.#keys = keys;
    return keys;
  }

  #remember(token: string, entry: CachedToken): void {
    if (this.#verified.size >= this.#cacheSize) {
      // Map keeps insertion order: drop the oldest entry.
      const oldest = this.#verified.keys().next();
      if (!oldest.done) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, entry);
  }
}
