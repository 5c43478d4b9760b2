import { base64url, fromBase64url } from "../ids";

/** A P-256 public key as Web Push carries it: the 65-byte uncompressed point (0x04 || x || y). */
export function isUncompressedPoint(bytes: Uint8Array): boolean {
  return bytes.length === 65 && bytes[0] === 0x04;
}

/** A P-256 key pair from its raw private scalar `d` and uncompressed public point, as a JWK. */
export function p256Jwk(privateKey: Uint8Array, publicKey: Uint8Array): JsonWebKey {
  if (privateKey.length !== 32 || !isUncompressedPoint(publicKey)) {
    throw new Error("a P-256 key pair is a 32-byte private key and a 65-byte uncompressed public key");
  }
  return {
    kty: "EC",
    crv: "P-256",
    d: base64url(privateKey),
    x: base64url(publicKey.slice(1, 33)),
    y: base64url(publicKey.slice(33, 65)),
    ext: true,
  };
}

/** base64url text to bytes, or null when it is not base64url. */
export function decodeKey(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) return null;
  try {
    return fromBase64url(text.replace(/=+$/, ""));
  } catch {
    return null;
  }
}
