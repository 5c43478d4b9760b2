import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf, request } from "../../../lib/testing/http";
import { registerExpoToken, subscribeBrowser } from "./devices";
import { call, newAccount, setPreferences } from "./worker";

const validKeys = {
  p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
};

describe("POST /v1/push/subscriptions", () => {
  it("saves a browser subscription; saving the same endpoint again replaces it", async () => {
    const ada = await newAccount();
    const first = await subscribeBrowser(ada);
    const again = await call(
      request("POST", "/v1/push/subscriptions", {
        token: ada.accessToken,
        body: { endpoint: first.endpoint, keys: validKeys },
      }),
    );
    expect(again.status).toBe(201);
    const rows = await env.DB.prepare("SELECT id, p256dh FROM push_subscriptions WHERE endpoint = ?")
      .bind(first.endpoint)
      .all<{ id: string; p256dh: string }>();
    expect(rows.results).toEqual([{ id: first.id, p256dh: validKeys.p256dh }]);
  });

  it.each([
    [
      "an endpoint that is not a push service",
      { endpoint: "https://evil.example/collect", keys: validKeys },
      "body.endpoint",
    ],
    ["plain http", { endpoint: "http://fcm.googleapis.com/fcm/send/x", keys: validKeys }, "body.endpoint"],
    [
      "an endpoint with user:password@",
      { endpoint: "https://user:pw@fcm.googleapis.com/fcm/send/x", keys: validKeys },
      "body.endpoint",
    ],
    [
      "an endpoint with a space",
      { endpoint: "https://fcm.googleapis.com/fcm/send/a b", keys: validKeys },
      "body.endpoint",
    ],
    [
      "a short p256dh",
      { endpoint: "https://fcm.googleapis.com/fcm/send/x", keys: { ...validKeys, p256dh: "AAAA" } },
      "body.keys.p256dh",
    ],
    [
      "an auth secret that is not base64url",
      { endpoint: "https://fcm.googleapis.com/fcm/send/x", keys: { ...validKeys, auth: "not base64!!" } },
      "body.keys.auth",
    ],
    [
      "a p256dh of the right length that is not a point on P-256",
      {
        endpoint: "https://fcm.googleapis.com/fcm/send/x",
        keys: { ...validKeys, p256dh: `${"BAQE".repeat(21)}BAQ` },
      },
      "body.keys.p256dh",
    ],
    ["no keys", { endpoint: "https://fcm.googleapis.com/fcm/send/x" }, "body.keys"],
  ])("refuses %s with 400", async (_what, body, path) => {
    const ada = await newAccount();
    const response = await call(request("POST", "/v1/push/subscriptions", { token: ada.accessToken, body }));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details?.map((d) => d.path)).toContain(path);
  });

  it("deletes my own subscription, and 404s on someone else's", async () => {
    const [ada, bob] = [await newAccount(), await newAccount()];
    const browser = await subscribeBrowser(ada);
    const foreign = await call(
      request("DELETE", `/v1/push/subscriptions/${browser.id}`, { token: bob.accessToken }),
    );
    expect(foreign.status).toBe(404);
    const own = await call(
      request("DELETE", `/v1/push/subscriptions/${browser.id}`, { token: ada.accessToken }),
    );
    expect(own.status).toBe(204);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM push_subscriptions WHERE id = ?")
      .bind(browser.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("needs a signed-in caller", async () => {
    const response = await call(
      request("POST", "/v1/push/subscriptions", {
        body: { endpoint: "https://fcm.googleapis.com/fcm/send/x", keys: validKeys },
      }),
    );
    expect(response.status).toBe(401);
  });
});

describe("/v1/push/expo-tokens", () => {
  it("saves and deletes a token (URL-encoded in the path)", async () => {
    const ada = await newAccount();
    const token = await registerExpoToken(ada);
    const removed = await call(
      request("DELETE", `/v1/push/expo-tokens/${encodeURIComponent(token)}`, { token: ada.accessToken }),
    );
    expect(removed.status).toBe(204);
    const again = await call(
      request("DELETE", `/v1/push/expo-tokens/${encodeURIComponent(token)}`, { token: ada.accessToken }),
    );
    expect(again.status).toBe(404);
  });

  it("refuses something that is not an Expo push token", async () => {
    const ada = await newAccount();
    for (const token of ["abc", "ExponentPushToken[]", "ExponentPushToken[a b]", 42]) {
      const response = await call(
        request("POST", "/v1/push/expo-tokens", { token: ada.accessToken, body: { token } }),
      );
      expect(response.status).toBe(400);
    }
  });
});

describe("/v1/notifications/preferences", () => {
  it("starts from the defaults: in-app and push on, email on for messages and account mail, SMS off", async () => {
    const ada = await newAccount();
    const response = await call(request("GET", "/v1/notifications/preferences", { token: ada.accessToken }));
    const body = (await response.json()) as { types: Record<string, Record<string, boolean>>; phone: null };
    expect(body.phone).toBeNull();
    expect(body.types.like).toEqual({ inApp: true, push: true });
    expect(body.types.message).toEqual({ inApp: true, push: true, email: true, sms: false });
    expect(body.types.security).toEqual({ inApp: true, push: true, email: true, sms: false });
  });

  it("changes only what the request names, and keeps the phone until it is set to null", async () => {
    const ada = await newAccount();
    await setPreferences(ada, { phone: "+14155550100", types: { like: { push: false } } });
    const response = await setPreferences(ada, { types: { message: { sms: true } } });
    const body = (await response.json()) as { types: Record<string, Record<string, boolean>>; phone: string };
    expect(body.phone).toBe("+14155550100");
    expect(body.types.like).toEqual({ inApp: true, push: false });
    expect(body.types.message?.sms).toBe(true);
    const cleared = (await (await setPreferences(ada, { phone: null })).json()) as { phone: string | null };
    expect(cleared.phone).toBeNull();
  });

  it.each([
    ["a channel the type does not have", { types: { like: { email: true } } }],
    ["an unknown type", { types: { poke: { push: true } } }],
    ["a non-boolean switch", { types: { like: { push: "yes" } } }],
    ["a phone that is not E.164", { phone: "555-0100" }],
  ])("refuses %s with 400", async (_what, body) => {
    const ada = await newAccount();
    const response = await setPreferences(ada, body);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("validation_failed");
  });
});
