// A new ES256 signing key as a private JWK with a kid, for the auth service's SIGNING_KEYS secret.
// Rotation: `node scripts/signing-key.mjs` prints one; append it to the secret's array (the last key
// signs), deploy, and drop the old key once the tokens it signed have expired (15 minutes).
import { exportJWK, generateKeyPair } from "jose";

export async function newSigningKey(now = new Date()) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `${now.toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;
  return { ...jwk, kid, alg: "ES256" };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await newSigningKey()));
