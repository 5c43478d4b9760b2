import { p256Jwk } from "../../../lib/push/keys";

/**
 * The browser's half of RFC 8291, for tests only: decrypts a push message body with the user
 * agent's private key and auth secret, so tests can read what the push service received.
 */
export async function decryptPushMessage(
  body: Uint8Array,
  receiver: { privateKey: Uint8Array; publicKey: Uint8Array; auth: Uint8Array },
): Promise<string> {
  const salt = body.slice(0, 16);
  const idlen = body[20] ?? 0;
  const serverPublic = body.slice(21, 21 + idlen);
  const record = body.slice(21 + idlen);
  const privateKey = await crypto.subtle.importKey(
    "jwk",
    p256Jwk(receiver.privateKey, receiver.publicKey),
    { name: "ECDH", namedCurve: "P-256" },
    false,
    ["deriveBits"],
  );
  const serverKey = await crypto.subtle.importKey(
    "raw",
    serverPublic,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  const ecdh = { name: "ECDH", public: serverKey } as unknown as SubtleCryptoDeriveKeyAlgorithm;
  const secret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, privateKey, 256));
  const label = (text: string, ...parts: Uint8Array[]) => {
    const head = new TextEncoder().encode(`${text}\0`);
    const out = new Uint8Array(head.length + parts.reduce((n, p) => n + p.length, 0));
    out.set(head);
    let offset = head.length;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  const hkdf = async (saltBytes: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number) => {
    const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
    return new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: saltBytes, info },
        key,
        bytes * 8,
      ),
    );
  };
  const ikm = await hkdf(receiver.auth, secret, label("WebPush: info", receiver.publicKey, serverPublic), 32);
  const cek = await hkdf(salt, ikm, label("Content-Encoding: aes128gcm"), 16);
  const nonce = await hkdf(salt, ikm, label("Content-Encoding: nonce"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, record));
  const end = padded.lastIndexOf(2);
  return new TextDecoder().decode(padded.slice(0, end));
}

/** A fresh browser-side key pair and auth secret, as a PushSubscription would carry them. */
export async function browserKeys() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const d = jwk.d ?? "";
  const privateKey = Uint8Array.from(
    atob(d.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (d.length % 4)) % 4)),
    (c) => c.charCodeAt(0),
  );
  return { publicKey, privateKey, auth: crypto.getRandomValues(new Uint8Array(16)) };
}
