import { randomToken } from "../../../lib/ids";

/** Refresh tokens are 256 random bits, base64url; only their SHA-256 is stored. */
export function newRefreshToken(): string {
  return randomToken(32);
}

export async function hashRefreshToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
