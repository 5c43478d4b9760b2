/**
 * Identifiers: a short type prefix and a ULID (48-bit millisecond time + 80 random bits, Crockford
 * base32), so ids sort by creation time and say what they name ("usr_01J...").
 */

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type IdPrefix =
  | "usr"
  | "ses"
  | "req"
  | "key"
  | "wch"
  | "msg"
  | "qit"
  | "evt"
  | "pst"
  | "cmt"
  | "med"
  | "upl"
  | "cal"
  | "cnv"
  | "ntf"
  | "psb";

/** How many random bytes `pooledRandomBytes` draws from the system at a time (256 ULIDs' worth). */
const POOL_BYTES = 4096;
let pool: Uint8Array | null = null;
let poolUsed = POOL_BYTES;

/**
 * `count` (at most POOL_BYTES) random bytes for identifiers (ULIDs, trace and span ids), taken from
 * a pool the system fills a page at a time: one `crypto.getRandomValues` call per 256 ids instead of
 * one each, a native call that was 2-4% of the CPU of the isolates that make the most ids in
 * bench/social's mix. The bytes are as random as the system's; the view is valid until the next
 * call (read it at once). Never for secrets: `randomToken` draws its own bytes.
 */
export function pooledRandomBytes(count: number): Uint8Array {
  if (!pool || poolUsed + count > POOL_BYTES) {
    // Filled lazily, inside a request: workerd allows no randomness at a module's top level.
    pool = crypto.getRandomValues(pool ?? new Uint8Array(POOL_BYTES));
    poolUsed = 0;
  }
  const bytes = pool.subarray(poolUsed, poolUsed + count);
  poolUsed += count;
  return bytes;
}

export function ulid(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  let rest = "";
  for (const byte of pooledRandomBytes(16)) rest += CROCKFORD.charAt(byte % 32);
  return time + rest;
}

/** A new id: the prefix, then a ULID (time-ordered by `now`, the creation time in ms). */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${ulid(now)}`;
}

const ID_PATTERN = /^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function isId(value: string, prefix?: IdPrefix): boolean {
  return ID_PATTERN.test(value) && (prefix === undefined || value.startsWith(`${prefix}_`));
}

/** Random bytes as base64url without padding. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function base64url(data: Uint8Array): string {
  let binary = "";
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array {
  const padded = text.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(padded + "=".repeat((4 - (padded.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

/** SHA-256 of a bearer secret (refresh token, ticket), hex: such secrets are stored only hashed. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
