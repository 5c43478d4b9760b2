// Plaza ids and access tokens made in Node, without going through /v1/auth/register (PBKDF2 100k per
// account): ULID ids like lib/ids.ts, and ES256 access tokens signed with the auth Worker's private JWK,
// carrying the claims lib/auth/verifier.ts checks (issuer, audience, typ, sub, sid, iat, exp).
import { createPrivateKey, randomBytes, randomUUID, sign } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID (48-bit milliseconds + 80 random bits, Crockford base32), as lib/ids.ts makes them. */
export function ulid(now = Date.now()) {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  let rest = "";
  for (const byte of randomBytes(16)) rest += CROCKFORD.charAt(byte % 32);
  return time + rest;
}

/** A Plaza id: a type prefix and a ULID ("usr_01J..."). */
export const newId = (prefix) => `${prefix}_${ulid()}`;

/** The claims of lib/auth/claims.ts (kept in step by hand: this file is plain JavaScript). */
export const ACCESS_TOKEN = { issuer: "plaza-auth", audience: "plaza-api", type: "at+jwt", ttlSeconds: 900 };

const base64url = (value) => Buffer.from(value).toString("base64url");

/**
 * A signer of access tokens with the auth Worker's private JWK (from scripts/signing-key.mjs, also given
 * to the auth Worker as SIGNING_KEYS): `sign({ userId, sessionId })` returns a token any Plaza service
 * accepts (as long as KV has no revocation for the session). A few tens of microseconds each.
 * @param {{ kid: string } & Record<string, string>} privateJwk
 * @returns {(principal: { userId: string, sessionId: string }) => string}
 */
export function accessTokenSigner(privateJwk) {
  const { kid, alg: _alg, ...jwk } = privateJwk;
  const key = createPrivateKey({ key: jwk, format: "jwk" });
  const header = base64url(JSON.stringify({ alg: "ES256", kid, typ: ACCESS_TOKEN.type }));
  return ({ userId, sessionId }) => {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      sid: sessionId,
      iss: ACCESS_TOKEN.issuer,
      aud: ACCESS_TOKEN.audience,
      sub: userId,
      iat,
      exp: iat + ACCESS_TOKEN.ttlSeconds,
      jti: randomUUID(),
    };
    const input = `${header}.${base64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    return `${input}.${signature.toString("base64url")}`;
  };
}
