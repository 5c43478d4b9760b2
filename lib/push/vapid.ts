import { importJWK, SignJWT } from "jose";
import { base64url } from "../ids";
import { decodeKey, isUncompressedPoint, p256Jwk } from "./keys";

/** The application server's VAPID identity (RFC 8292): its P-256 key pair and a contact URI. */
export interface VapidKeys {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  /** A mailto: or https: URI where the push service can reach the operator. */
  subject: string;
}

/** VAPID keys from their base64url text (as `web-push generate-vapid-keys` prints them), or null. */
export function vapidKeysFrom(
  publicKey: string | undefined,
  privateKey: string | undefined,
  subject: string | undefined,
): VapidKeys | null {
  if (!publicKey || !privateKey || !subject) return null;
  const pub = decodeKey(publicKey);
  const priv = decodeKey(privateKey);
  if (!pub || !priv || !isUncompressedPoint(pub) || priv.length !== 32) return null;
  if (!/^(mailto:|https:)/.test(subject)) return null;
  return { publicKey: pub, privateKey: priv, subject };
}

/** JWTs live at most 24 hours (RFC 8292 section 2); ours live 12. */
const TOKEN_LIFETIME_S = 12 * 60 * 60;

/**
 * The Authorization header for one push service (RFC 8292 section 3): `vapid t=<ES256 JWT whose
 * audience is the endpoint's origin>, k=<the public key>`.
 */
export async function vapidAuthorization(keys: VapidKeys, endpoint: string, now: number): Promise<string> {
  const signingKey = await importJWK({ ...p256Jwk(keys.privateKey, keys.publicKey), alg: "ES256" }, "ES256");
  const token = await new SignJWT({ sub: keys.subject })
    .setProtectedHeader({ typ: "JWT", alg: "ES256" })
    .setAudience(new URL(endpoint).origin)
    .setExpirationTime(Math.floor(now / 1000) + TOKEN_LIFETIME_S)
    .sign(signingKey);
  return `vapid t=${token}, k=${base64url(keys.publicKey)}`;
}
