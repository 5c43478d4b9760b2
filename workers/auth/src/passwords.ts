import { base64url, fromBase64url } from "../../../lib/ids";

/**
 * Password hashes: PBKDF2-SHA-256 over HMAC-SHA-256(pepper, password), with a random 16-byte salt.
 * The stored string names its parameters, `pbkdf2-sha256$<iterations>$<salt>$<hash>`, so the
 * cost can be raised later and old hashes still verify (and are upgraded on the next sign-in).
 */

/** The most PBKDF2 iterations Workers allow in production. */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

const encoder = new TextEncoder();

async function derive(
  password: string,
  pepper: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const pepperKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(pepper),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const peppered = await crypto.subtle.sign("HMAC", pepperKey, encoder.encode(password));
  const material = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, pepper: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, pepper, salt, PBKDF2_ITERATIONS);
  return [SCHEME, PBKDF2_ITERATIONS, base64url(salt), base64url(hash)].join("$");
}

interface ParsedHash {
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

function parse(stored: string): ParsedHash | null {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== SCHEME || !iterations || !salt || !hash) return null;
  const count = Number(iterations);
  if (!Number.isInteger(count) || count < 1 || count > PBKDF2_ITERATIONS) return null;
  return { iterations: count, salt: fromBase64url(salt), hash: fromBase64url(hash) };
}

export interface PasswordCheck {
  matches: boolean;
  /** The hash was made with weaker parameters than today's: store a new one. */
  needsRehash: boolean;
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function verifyPassword(
  password: string,
  stored: string,
  pepper: string,
): Promise<PasswordCheck> {
  const parsed = parse(stored);
  if (!parsed) return { matches: false, needsRehash: false };
  const candidate = await derive(password, pepper, parsed.salt, parsed.iterations);
  const matches =
    candidate.length === parsed.hash.length && crypto.subtle.timingSafeEqual(candidate, parsed.hash);
  return { matches, needsRehash: matches && parsed.iterations < PBKDF2_ITERATIONS };
}

/**
 * Does the work of a real check for a sign-in with an unknown email, so that the answer takes as
 * long as for a wrong password and timing does not tell which emails have accounts.
 */
export async function spendPasswordCheck(password: string, pepper: string): Promise<void> {
  await derive(password, pepper, new Uint8Array(SALT_BYTES), PBKDF2_ITERATIONS);
}
