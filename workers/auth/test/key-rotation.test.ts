import { env } from "cloudflare:workers";
import type { JSONWebKeySet } from "jose";
import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { AccessTokenVerifier } from "../../../lib/auth/verifier";
import { SigningKeys } from "../src/signing-keys";

async function privateKey(kid: string) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}

/** A JWKS source whose keys the test changes, counting how often it is asked. */
function changingSource(initial: JSONWebKeySet) {
  const source = {
    jwks: initial,
    loads: 0,
    async load(): Promise<JSONWebKeySet> {
      source.loads += 1;
      return source.jwks;
    },
  };
  return source;
}

const principal = { userId: "usr_01J0000000000000000000000A", sessionId: "ses_01J0000000000000000000000A" };

describe("signing key rotation", () => {
  it("signs with the last key and publishes every key", async () => {
    const [oldKey, newKey] = [await privateKey("k-old"), await privateKey("k-new")];
    const keys = await SigningKeys.fromSecret(JSON.stringify([oldKey, newKey]));
    const { token } = await keys.signAccessToken(principal);
    const header = JSON.parse(atob(token.split(".")[0] ?? "")) as { kid: string };
    expect(header.kid).toBe("k-new");
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual(["k-old", "k-new"]);
  });

  it("when a token names a key the verifier has not seen, then it reloads the JWKS once and verifies", async () => {
    const [oldKey, newKey] = [await privateKey("k-old"), await privateKey("k-new")];
    const before = await SigningKeys.fromSecret(JSON.stringify([oldKey]));
    const after = await SigningKeys.fromSecret(JSON.stringify([oldKey, newKey]));
    const source = changingSource(await before.jwks());
    const verifier = new AccessTokenVerifier({ jwks: () => source.load() }, { refreshCooldownMs: 0 });

    expect(await verifier.verify((await before.signAccessToken(principal)).token)).toEqual(principal);
    expect(source.loads).toBe(1);

    source.jwks = await after.jwks();
    const rotated = { ...principal, sessionId: "ses_01J0000000000000000000000B" };
    expect(await verifier.verify((await after.signAccessToken(rotated)).token)).toEqual(rotated);
    expect(source.loads).toBe(2);
  });

  it("reloads at most once per cooldown however many unknown kids arrive", async () => {
    const known = await SigningKeys.fromSecret(JSON.stringify([await privateKey("k-1")]));
    const stranger = await SigningKeys.fromSecret(JSON.stringify([await privateKey("k-unknown")]));
    const source = changingSource(await known.jwks());
    const verifier = new AccessTokenVerifier({ jwks: () => source.load() }, { refreshCooldownMs: 60_000 });
    await verifier.verify((await known.signAccessToken(principal)).token);

    for (let i = 0; i < 5; i++) {
      await expect(verifier.verify((await stranger.signAccessToken(principal)).token)).rejects.toMatchObject({
        code: "unauthorized",
      });
    }
    expect(source.loads).toBe(1);
  });

  it("when a first key load never settles (its request ended), then later requests load the keys themselves", async () => {
    const keys = await SigningKeys.fromSecret(env.SIGNING_KEYS);
    const source = changingSource(await keys.jwks());
    let first = true;
    const verifier = new AccessTokenVerifier({
      jwks: () => {
        if (!first) return source.load();
        first = false;
        return new Promise<never>(() => {});
      },
    });
    const { token } = await keys.signAccessToken(principal);
    void verifier.verify(token);
    expect(await verifier.verify(token)).toEqual(principal);
    expect(source.loads).toBe(1);
  });

  it("remembers a verified token until it expires, and verifies again after", async () => {
    const keys = await SigningKeys.fromSecret(env.SIGNING_KEYS);
    let now = Date.now();
    const source = changingSource(await keys.jwks());
    const verifier = new AccessTokenVerifier({ jwks: () => source.load() }, { now: () => now });
    const { token } = await keys.signAccessToken(principal, now);
    await verifier.verify(token);
    now += 16 * 60_000;
    await expect(verifier.verify(token)).rejects.toMatchObject({ message: "the access token has expired" });
  });
});
