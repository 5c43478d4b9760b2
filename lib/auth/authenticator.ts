import { TtlCache } from "../cache";
import { AppError } from "../errors";
import { describeError, log } from "../logging";
import { type Principal, REVOKED_SESSION_PREFIX, revokedSessionKey } from "./claims";
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

/** How a busy isolate takes its revocation answers from one listing of KV (see cachedKvRevocations). */
export interface RevocationSnapshotOptions {
  /** Checks within one answer period beyond which the isolate lists instead of reading (default 20). */
  afterChecks?: number;
  /** Pages a listing may take; with more revoked sessions, per-session reads go on (default 5). */
  maxPages?: number;
  /** Keys per page (default and most: 1,000). */
  pageSize?: number;
  now?: () => number;
}

/**
 * Revocation answers kept per isolate for `ttlMs`: a revoked session stays revoked, so only "not
 * revoked" can go stale, and by at most `ttlMs`. KV itself is eventually consistent across
 * locations (its edge caches hold a read for up to a minute), so a few seconds here change little
 * for other isolates, and the isolate that carried a logout or revocation forgets its answers at
 * once (forgetRevocations).
 *
 * An isolate answers in one of two ways. A quiet one reads the session's key in KV and keeps the
 * answer. A busy one (more than `afterChecks` checks within one `ttlMs`) would read KV on nearly every
 * request, since a user's requests come seconds apart: it lists every revoked session instead (one
 * `list` of the prefix, one page while fewer than 1,000 sessions are revoked within a token's
 * lifetime) and answers every session from that listing for `ttlMs`. Same staleness bound, and one
 * KV operation per `ttlMs` instead of one per request (a list is billed as ten reads, hence the
 * threshold). The check that finds the listing expired takes the next one; checks that come
 * while it is in flight read per session rather than wait for another request's listing. When
 * more sessions are revoked than `maxPages` pages hold, or the listing fails, the isolate goes
 * back to per-session reads for `ttlMs`.
 */
export class IsolateRevocations implements RevocationCheck {
  readonly #kv: KVNamespace;
  readonly #ttlMs: number;
  readonly #afterChecks: number;
  readonly #maxPages: number;
  readonly #pageSize: number;
  readonly #now: () => number;
  readonly #answers: TtlCache<string, boolean>;
  /** The revoked sessions as a listing that started at `takenAt` saw them. */
  #snapshot: { revoked: Set<string>; takenAt: number } | null = null;
  /** The listing in flight, by when it started (null: none). */
  #listing: { since: number } | null = null;
  /** Until when listing is not tried again (too many revoked sessions, or a failed listing). */
  #noListingUntil = 0;
  /** Revocation checks in the current period (since `since`) and in the one before. */
  #checks = { count: 0, since: 0, previous: 0 };
  /** Bumped by forget(): a listing that started before it must not be kept. */
  #generation = 0;

  constructor(kv: KVNamespace, ttlMs: number, options: RevocationSnapshotOptions = {}) {
    this.#kv = kv;
    this.#ttlMs = ttlMs;
    this.#afterChecks = options.afterChecks ?? 20;
    this.#maxPages = options.maxPages ?? 5;
    this.#pageSize = options.pageSize ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#answers = new TtlCache<string, boolean>({ ttlMs, maxEntries: 10_000, now: this.#now });
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const busy = this.#busy();
    const fromSnapshot = this.#fromSnapshot(sessionId);
    if (fromSnapshot !== undefined) return fromSnapshot;
    const known = this.#answers.get(sessionId);
    if (known !== undefined) return known;
    const listing = busy ? this.#startListing() : null;
    if (listing) {
      await this.#takeSnapshot(listing);
      const listed = this.#fromSnapshot(sessionId);
      if (listed !== undefined) return listed;
    }
    const generation = this.#generation;
    const revoked = (await this.#kv.get(revokedSessionKey(sessionId))) !== null;
    if (generation === this.#generation) this.#answers.set(sessionId, revoked);
    return revoked;
  }

  forget(): void {
    this.#generation++;
    this.#answers.clear();
    this.#snapshot = null;
    this.#listing = null;
  }

  #fromSnapshot(sessionId: string): boolean | undefined {
    const snapshot = this.#snapshot;
    if (!snapshot || this.#now() - snapshot.takenAt >= this.#ttlMs) return undefined;
    return snapshot.revoked.has(sessionId);
  }

  /**
   * Counts a revocation check; true when this period or the last had more than `afterChecks` of
   * them (the last, so that a busy isolate lists again at once when its listing expires).
   */
  #busy(): boolean {
    const now = this.#now();
    const checks = this.#checks;
    if (now - checks.since >= this.#ttlMs) {
      this.#checks = {
        count: 0,
        since: now,
        previous: now - checks.since < 2 * this.#ttlMs ? checks.count : 0,
      };
    }
    this.#checks.count++;
    return (
      Math.max(this.#checks.count, this.#checks.previous) > this.#afterChecks && now >= this.#noListingUntil
    );
  }

  /**
   * A listing for this check to take, or null while another request's is in flight (the checks
   * meanwhile read per session). A check never awaits another request's listing: that request may
   * end before its listing settles, and a promise of an ended request can stay pending forever. So
   * a listing that has not settled within LISTING_GIVE_UP_MS counts as lost.
   */
  #startListing(): { since: number } | null {
    const now = this.#now();
    if (this.#listing && now - this.#listing.since < LISTING_GIVE_UP_MS) return null;
    this.#listing = { since: now };
    return this.#listing;
  }

  async #takeSnapshot(listing: { since: number }): Promise<void> {
    try {
      await this.#list(this.#generation, listing.since);
    } finally {
      if (this.#listing === listing) this.#listing = null;
    }
  }

  /** Lists the revoked sessions; keeps them unless forget() was called meanwhile. */
  async #list(generation: number, takenAt: number): Promise<void> {
    const revoked = new Set<string>();
    try {
      let cursor: string | undefined;
      for (let page = 0; page < this.#maxPages; page++) {
        const listed = await this.#kv.list({
          prefix: REVOKED_SESSION_PREFIX,
          limit: this.#pageSize,
          ...(cursor && { cursor }),
        });
        for (const key of listed.keys) revoked.add(key.name.slice(REVOKED_SESSION_PREFIX.length));
        if (listed.list_complete) {
          if (generation === this.#generation) this.#snapshot = { revoked, takenAt };
          return;
        }
        cursor = listed.cursor;
      }
      log("info", "more revoked sessions than one listing takes; reading them one by one", {
        pages: this.#maxPages,
      });
    } catch (error) {
      log("warn", "revoked sessions not listed; reading them one by one", describeError(error));
    }
    this.#noListingUntil = this.#now() + this.#ttlMs;
  }
}

/** After this long, a listing that has not settled is taken as lost and another may start. */
const LISTING_GIVE_UP_MS = 10_000;

/** Keyed by the KV binding, which the runtime keeps for the isolate's life. */
const revocationCaches = new WeakMap<object, IsolateRevocations>();

export function cachedKvRevocations(kv: KVNamespace, ttlMs: number): RevocationCheck {
  let revocations = revocationCaches.get(kv);
  if (!revocations) {
    revocations = new IsolateRevocations(kv, ttlMs);
    revocationCaches.set(kv, revocations);
  }
  return revocations;
}

/** Drops this isolate's revocation answers (after a request that may have revoked sessions). */
export function forgetRevocations(kv: KVNamespace): void {
  revocationCaches.get(kv)?.forget();
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
