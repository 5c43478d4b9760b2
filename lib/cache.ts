/**
 * A small per-isolate cache: entries expire `ttlMs` after they are stored, and past `maxEntries`
 * the oldest stored entry goes first. Workers keep module state for the isolate's life, so a
 * module-level TtlCache spares repeated lookups of slowly changing data (at most `ttlMs` stale).
 *
 * With `jitter` (a fraction below 1), each entry lives a random `ttlMs * (1 - jitter)` to `ttlMs`:
 * entries stored together (one batched lookup, an isolate's first requests) then expire spread
 * out, instead of all sending their next readers back to the source in the same instant.
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #jitter: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: {
    ttlMs: number;
    maxEntries: number;
    jitter?: number;
    now?: () => number;
    random?: () => number;
  }) {
    const jitter = options.jitter ?? 0;
    if (!(jitter >= 0 && jitter < 1))
      throw new RangeError(`TtlCache jitter must be in [0, 1), got ${jitter}`);
    this.#ttlMs = options.ttlMs;
    this.#jitter = jitter;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.#now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      // A Map iterates in insertion order: the first key is the oldest entry.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    const lifetime = this.#jitter > 0 ? this.#ttlMs * (1 - this.#jitter * this.#random()) : this.#ttlMs;
    this.#entries.set(key, { value, expiresAt: this.#now() + lifetime });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
