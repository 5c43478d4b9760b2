import { p256Jwk } from "./keys";

/**
 * Web Push message encryption (RFC 8291) in the aes128gcm content coding (RFC 8188), on WebCrypto.
 * The message is one record: the plaintext, the 0x02 last-record delimiter, then the GCM tag.
 */

/** The record size this sender announces; one record carries the whole message. */
const RECORD_SIZE = 4096;
/** What fits in one record: the record size less the delimiter and the 16-byte tag. */
export const MAX_PLAINTEXT_BYTES = RECORD_SIZE - 17;

export interface PushTarget {
  /** The subscription's `p256dh` key: the user agent's ECDH public key (65 bytes). */
  p256dh: Uint8Array;
  /** The subscription's `auth` secret (16 bytes). */
  auth: Uint8Array;
}

/**
 * Fixed inputs, for the RFC's test vector only: in production every message gets a fresh ECDH
 * key pair and a fresh salt.
 */
export interface EncryptionInputs {
  serverPrivateKey: Uint8Array;
  serverPublicKey: Uint8Array;
  salt: Uint8Array;
}

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8),
  );
}

async function serverKeys(inputs: EncryptionInputs | undefined) {
  if (inputs) {
    const privateKey = await crypto.subtle.importKey(
      "jwk",
      p256Jwk(inputs.serverPrivateKey, inputs.serverPublicKey),
      { name: "ECDH", namedCurve: "P-256" },
      false,
      ["deriveBits"],
    );
    return { privateKey, publicKey: inputs.serverPublicKey, salt: inputs.salt };
  }
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { privateKey: pair.privateKey, publicKey, salt: crypto.getRandomValues(new Uint8Array(16)) };
}

/** The body of a Web Push request: the aes128gcm header (salt, rs, keyid) and the one record. */
export async function encryptPushMessage(
  target: PushTarget,
  plaintext: Uint8Array,
  inputs?: EncryptionInputs,
): Promise<Uint8Array> {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) throw new RangeError("the push message is too large");
  const server = await serverKeys(inputs);
  const userAgentKey = await crypto.subtle.importKey(
    "raw",
    target.p256dh,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  // The runtime reads `public` (WebCrypto's name); workers-types spells the field `$public`.
  const ecdh = { name: "ECDH", public: userAgentKey } as unknown as SubtleCryptoDeriveKeyAlgorithm;
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, server.privateKey, 256));
  // RFC 8291 section 3.4: the auth secret and both public keys go into the input keying material.
  const keyInfo = concat(encoder.encode("WebPush: info\0"), target.p256dh, server.publicKey);
  const ikm = await hkdf(target.auth, ecdhSecret, keyInfo, 32);
  const cek = await hkdf(server.salt, ikm, encoder.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(server.salt, ikm, encoder.encode("Content-Encoding: nonce\0"), 12);

  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  const record = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, concat(plaintext, new Uint8Array([2]))),
  );
  const header = new Uint8Array(16 + 4 + 1);
  header.set(server.salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = server.publicKey.length;
  return concat(header, server.publicKey, record);
}
