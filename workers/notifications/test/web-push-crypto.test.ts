import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { base64url, fromBase64url } from "../../../lib/ids";
import { encryptPushMessage, MAX_PLAINTEXT_BYTES } from "../../../lib/push/encryption";
import { p256Jwk } from "../../../lib/push/keys";
import { vapidAuthorization, vapidKeysFrom } from "../../../lib/push/vapid";
import { decryptPushMessage } from "./web-push-receiver";

/** RFC 8291 appendix A: the published example, byte for byte. */
const RFC8291 = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  authSecret: "BTBZMqHH6r4Tts7J_aSIgg",
  body: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

describe("Web Push encryption (RFC 8291)", () => {
  it("when given the appendix A keys and salt, then it produces the appendix A message exactly", async () => {
    const body = await encryptPushMessage(
      { p256dh: fromBase64url(RFC8291.uaPublic), auth: fromBase64url(RFC8291.authSecret) },
      new TextEncoder().encode(RFC8291.plaintext),
      {
        serverPrivateKey: fromBase64url(RFC8291.asPrivate),
        serverPublicKey: fromBase64url(RFC8291.asPublic),
        salt: fromBase64url(RFC8291.salt),
      },
    );
    expect(base64url(body)).toBe(RFC8291.body);
  });

  it("when keys are fresh, then the user agent decrypts the message with its private key", async () => {
    const body = await encryptPushMessage(
      { p256dh: fromBase64url(RFC8291.uaPublic), auth: fromBase64url(RFC8291.authSecret) },
      new TextEncoder().encode("fresh keys, same receiver"),
    );
    expect(base64url(body.slice(21, 86))).not.toBe(RFC8291.asPublic);
    const plaintext = await decryptPushMessage(body, {
      privateKey: fromBase64url(RFC8291.uaPrivate),
      publicKey: fromBase64url(RFC8291.uaPublic),
      auth: fromBase64url(RFC8291.authSecret),
    });
    expect(plaintext).toBe("fresh keys, same receiver");
  });

  it("when the message does not fit one record, then it is refused", async () => {
    await expect(
      encryptPushMessage(
        { p256dh: fromBase64url(RFC8291.uaPublic), auth: fromBase64url(RFC8291.authSecret) },
        new Uint8Array(MAX_PLAINTEXT_BYTES + 1),
      ),
    ).rejects.toThrow(RangeError);
  });
});

describe("VAPID (RFC 8292)", () => {
  it("signs an ES256 JWT for the endpoint's origin that verifies with the k= public key", async () => {
    const keys = vapidKeysFrom(RFC8291.asPublic, RFC8291.asPrivate, "mailto:ops@plaza.example");
    if (!keys) throw new Error("the keys should parse");
    const now = Date.UTC(2026, 10, 21, 22, 0, 0);
    const header = await vapidAuthorization(keys, "https://fcm.googleapis.com/fcm/send/abc", now);
    const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header);
    if (!match?.[1] || !match[2]) throw new Error(`not a vapid header: ${header}`);
    expect(match[2]).toBe(RFC8291.asPublic);
    expect(decodeProtectedHeader(match[1])).toEqual({ typ: "JWT", alg: "ES256" });
    const publicJwk = p256Jwk(fromBase64url(RFC8291.asPrivate), fromBase64url(match[2]));
    const { d: _private, ...publicOnly } = publicJwk;
    const { payload } = await jwtVerify(match[1], await importJWK({ ...publicOnly, alg: "ES256" }, "ES256"), {
      currentDate: new Date(now),
    });
    expect(payload).toEqual({
      sub: "mailto:ops@plaza.example",
      aud: "https://fcm.googleapis.com",
      exp: now / 1000 + 12 * 3600,
    });
  });

  it("when a key or the subject is missing or malformed, then there are no keys (the channel is off)", () => {
    expect(vapidKeysFrom(undefined, RFC8291.asPrivate, "mailto:a@b.c")).toBeNull();
    expect(vapidKeysFrom(RFC8291.asPublic, "short", "mailto:a@b.c")).toBeNull();
    expect(vapidKeysFrom(RFC8291.asPublic, RFC8291.asPrivate, "ops@plaza.example")).toBeNull();
  });
});
