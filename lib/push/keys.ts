import { base64url, fromBase64url } from "../ids";

// P-256 (secp256r1, FIPS 186-4 D.1.2.3): y^2 = x^3 - 3x + b over the field of the prime p.
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function bigEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

/**
 * A P-256 public key as Web Push carries it: the 65-byte uncompressed point (0x04 || x || y), on
 * the curve. A point off it passes a length check, and WebCrypto then refuses it only when a
 * message is encrypted for it, long after the subscription was accepted.
 */
export function isUncompressedPoint(bytes: Uint8Array): boolean {
  if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
  const x = bigEndian(bytes.subarray(1, 33));
  const y = bigEndian(bytes.subarray(33, 65));
  if (x >= P256_P || y >= P256_P) return false;
  return (y * y - (x * x * x - 3n * x + P256_B)) % P256_P === 0n;
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
