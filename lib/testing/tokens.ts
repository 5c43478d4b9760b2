import { importJWK, type JWTPayload, SignJWT } from "jose";
import { base64url } from "../ids";

export interface ForgeOptions {
  claims?: JWTPayload;
  header?: Record<string, unknown>;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
}

/**
 * Signs an access token with the test run's real signing key, valid unless the options make it
 * wrong in one chosen way (an expired exp, a foreign audience, another typ...).
 */
export async function forgeToken(
  privateJwk: string,
  subject: string,
  sessionId: string,
  options: ForgeOptions = {},
) {
  const jwk = JSON.parse(privateJwk) as { kid: string };
  const key = await importJWK(jwk, "ES256");
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: "plaza-auth",
    aud: "plaza-api",
    sub: subject,
    sid: sessionId,
    iat: now,
    exp: now + (options.expiresIn ?? 900),
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "at+jwt", ...options.header })
    .sign(key);
}

/** The same claims with `alg: none` and no signature: what a naive verifier would accept. */
export function unsignedToken(token: string): string {
  const [, payload] = token.split(".");
  const header = base64url(new TextEncoder().encode(JSON.stringify({ alg: "none", typ: "at+jwt" })));
  return `${header}.${payload}.`;
}

/** The token with one character of its payload changed and the original signature. */
export function tamperedToken(token: string): string {
  const [header, payload = "", signature] = token.split(".");
  const flipped = payload.slice(0, -2) + (payload.at(-2) === "A" ? "B" : "A") + payload.slice(-1);
  return `${header}.${flipped}.${signature}`;
}

/** Decodes a JWT's header and payload without verifying (tests only). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header = "", payload = ""] = token.split(".");
  const decode = (part: string) =>
    JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/"))) as Record<string, unknown>;
  return { header: decode(header), payload: decode(payload) };
}

/**
 * Tokens that must be refused, each made from a real one and wrong in one way. For `it.each`:
 * `[name, make(validToken) => badToken]`.
 */
export function badTokenCases(privateJwk: string): [string, (token: string) => Promise<string>][] {
  const reforge = (options: ForgeOptions) => async (token: string) => {
    const { sub, sid } = decodeJwt(token).payload as { sub: string; sid: string };
    return forgeToken(privateJwk, sub, sid, options);
  };
  return [
    ["tampered", async (token) => tamperedToken(token)],
    ["alg none", async (token) => unsignedToken(token)],
    ["expired", reforge({ expiresIn: -120 })],
    ["for another audience", reforge({ claims: { aud: "someone-else" } })],
    ["from another issuer", reforge({ claims: { iss: "evil" } })],
    ["typed as a plain JWT (an ID token, say)", reforge({ header: { typ: "JWT" } })],
    ["naming an unknown key", reforge({ header: { kid: "not-a-key" } })],
    ["not a JWT at all", async () => "abc.def.ghi"],
  ];
}
