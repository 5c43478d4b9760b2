import { type CryptoKey, importJWK, type JSONWebKeySet, type JWK, SignJWT } from "jose";
import { z } from "zod";
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TTL_SECONDS,
  ACCESS_TOKEN_TYPE,
  type Principal,
} from "../../../lib/auth/claims";
import type { JwksSource } from "../../../lib/auth/verifier";

/**
 * The access-token signing keys, from the SIGNING_KEYS secret: a JSON array of private ES256 JWKs,
 * each with a unique `kid`. The last key signs new tokens; every key in the list is published in
 * the JWKS, so tokens signed by an older key verify until that key is removed. Rotation: append a
 * new key (scripts/signing-key.mjs), deploy, and remove the old one once its tokens have expired
 * (15 minutes).
 */

const PrivateSigningJwk = z.looseObject({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  kid: z.string().min(1).max(64),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
});

const SigningKeysSecret = z.array(PrivateSigningJwk).min(1);

interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export class SigningKeys implements JwksSource {
  private constructor(
    private readonly current: LoadedKey,
    private readonly publicKeys: JSONWebKeySet,
  ) {}

  /** The public keys, for /.well-known/jwks.json and for verifiers. */
  async jwks(): Promise<JSONWebKeySet> {
    return this.publicKeys;
  }

  static async fromSecret(secret: string): Promise<SigningKeys> {
    let json: unknown;
    try {
      json = JSON.parse(secret);
    } catch {
      throw new Error("SIGNING_KEYS is not JSON: expected an array of private ES256 JWKs");
    }
    const jwks = SigningKeysSecret.parse(json);
    const loaded = await Promise.all(
      jwks.map(async (jwk): Promise<LoadedKey> => {
        const privateKey = await importJWK({ ...jwk, alg: ACCESS_TOKEN_ALGORITHM }, ACCESS_TOKEN_ALGORITHM);
        if (privateKey instanceof Uint8Array) throw new Error(`signing key ${jwk.kid} is not an EC key`);
        // The public half is the private JWK without "d".
        const { kty, crv, x, y, kid } = jwk;
        return {
          kid,
          privateKey,
          publicJwk: { kty, crv, x, y, kid, alg: ACCESS_TOKEN_ALGORITHM, use: "sig" },
        };
      }),
    );
    const current = loaded.at(-1);
    if (!current) throw new Error("SIGNING_KEYS is empty");
    return new SigningKeys(current, { keys: loaded.map((key) => key.publicJwk) });
  }

  /** A signed access token for this user and session, and its lifetime in seconds. */
  async signAccessToken(
    principal: Principal,
    now = Date.now(),
  ): Promise<{ token: string; expiresIn: number }> {
    const issuedAt = Math.floor(now / 1000);
    const token = await new SignJWT({ sid: principal.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: this.current.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(principal.userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
      .setJti(crypto.randomUUID())
      .sign(this.current.privateKey);
    return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }
}

let loaded: { secret: string; keys: Promise<SigningKeys> } | null = null;

/** The keys of this secret, imported once per isolate (importing costs more than signing). */
export function signingKeys(secret: string): Promise<SigningKeys> {
  if (loaded?.secret !== secret) {
    const keys = SigningKeys.fromSecret(secret);
    keys.catch(() => {
      if (loaded?.keys === keys) loaded = null;
    });
    loaded = { secret, keys };
  }
  return loaded.keys;
}
