import { randomToken, sha256Hex } from "../../../lib/ids";

/** Refresh tokens are 256 random bits, base64url; only their SHA-256 is stored. */
export function newRefreshToken(): string {
  return randomToken(32);
}

export const hashRefreshToken = sha256Hex;
