// Signed-in users for the benchmark: real accounts made through the gateway, and single-use copies of
// their access tokens (same claims plus a unique jti, signed with the auth Worker's key), so a run can
// send tokens no isolate has verified (and cached) before.
import { createPrivateKey, randomUUID, sign } from "node:crypto";

/**
 * Registers `count` users through the gateway, each from its own client address (registration is
 * rate-limited per IP).
 * @returns {Promise<{ handle: string, userId: string, accessToken: string }[]>}
 */
export async function registerUsers(gatewayUrl, count) {
  const users = [];
  for (let index = 0; index < count; index++) {
    const handle = `bench_${index}_${randomUUID().slice(0, 8)}`;
    const response = await fetch(new URL("/v1/auth/register", gatewayUrl), {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": `198.51.100.${index + 1}` },
      body: JSON.stringify({ email: `${handle}@bench.example`, password: "bench-password-1", handle }),
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`register ${handle}: ${response.status} ${body}`);
    const { user, accessToken } = JSON.parse(body);
    users.push({ handle, userId: user.id, accessToken });
  }
  return users;
}

const base64url = (value) => Buffer.from(value).toString("base64url");
const decodePart = (part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

/**
 * Mints fresh tokens for the given users: the header and claims of their real access token, plus a
 * unique `jti`, signed ES256 with the auth Worker's private JWK (node:crypto, a few tens of us each).
 * @returns {(count: number) => string[]}
 */
export function tokenMinter(users, privateJwk) {
  const { kid: _kid, alg: _alg, ...jwk } = privateJwk;
  const key = createPrivateKey({ key: jwk, format: "jwk" });
  const templates = users.map(({ accessToken }) => {
    const [header, payload] = accessToken.split(".");
    return { header, claims: decodePart(payload) };
  });
  if (templates.some(({ header }) => decodePart(header).kid !== privateJwk.kid)) {
    throw new Error("the users' tokens were not signed with the benchmark's signing key");
  }
  return (count) =>
    Array.from({ length: count }, (_, index) => {
      const { header, claims } = templates[index % templates.length];
      const input = `${header}.${base64url(JSON.stringify({ ...claims, jti: randomUUID() }))}`;
      const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
      return `${input}.${signature.toString("base64url")}`;
    });
}

/** Request headers that cycle through long-lived tokens (each verified once, then cached). */
export function cachedTokenHeaders(users) {
  const headers = users.map(({ accessToken }) => ({
    authorization: `Bearer ${accessToken}`,
    "cf-connecting-ip": "203.0.113.7",
  }));
  return (index) => headers[index % headers.length];
}

/**
 * A target's hooks for single-use tokens: `prepare` mints enough for the coming run (from the
 * previous run's rate) and returns that count as the run's request cap; `headers` hands them out.
 */
export function freshTokenHooks(mint) {
  let tokens = [];
  return {
    prepare({ maxRequests, durationMs, previous }) {
      const expected = previous ? (previous.rps * durationMs) / 1000 : 1000;
      tokens = mint(Math.min(maxRequests, Math.max(500, Math.ceil(expected * 1.6))));
      return tokens.length;
    },
    headers(index) {
      return { authorization: `Bearer ${tokens[index]}`, "cf-connecting-ip": "203.0.113.7" };
    },
  };
}
