import { base64url } from "../../../lib/ids";
import type { TestAccount } from "../../../lib/testing/accounts";
import { request, unique } from "../../../lib/testing/http";
import { browserKeys } from "./web-push-receiver";
import { call } from "./worker";

/** Subscribes a new browser of `who` at an FCM endpoint whose path says how the fake answers. */
export async function subscribeBrowser(
  who: TestAccount,
  kind: "ok" | "gone" | "missing" | "busy" | "flaky" = "ok",
) {
  const keys = await browserKeys();
  const endpoint = `https://fcm.googleapis.com/fcm/send/${kind === "ok" ? "" : `${kind}-`}${unique("sub")}`;
  const response = await call(
    request("POST", "/v1/push/subscriptions", {
      token: who.accessToken,
      body: {
        endpoint,
        expirationTime: null,
        keys: { p256dh: base64url(keys.publicKey), auth: base64url(keys.auth) },
      },
    }),
  );
  if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  return { id, endpoint, keys };
}

/** Registers an Expo push token for `who`; `mark` lets the fake Expo treat it specially. */
export async function registerExpoToken(who: TestAccount, mark = ""): Promise<string> {
  const token = `ExponentPushToken[${mark}${unique("x")}]`;
  const response = await call(
    request("POST", "/v1/push/expo-tokens", { token: who.accessToken, body: { token } }),
  );
  if (response.status !== 204) throw new Error(`expo token: ${response.status} ${await response.text()}`);
  return token;
}
