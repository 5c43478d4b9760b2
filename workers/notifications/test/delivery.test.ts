import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base64url, newId } from "../../../lib/ids";
import { request } from "../../../lib/testing/http";
import notificationsWorker from "../src/index";
import { registerExpoToken, subscribeBrowser } from "./devices";
import { decryptPushMessage } from "./web-push-receiver";
import {
  bodyBytes,
  bodyText,
  call,
  connect,
  deliver,
  event,
  eventually,
  newAccount,
  newAccounts,
  notificationsOf,
  providerRequests,
  setPreferences,
} from "./worker";

const liked = (authorId: string, likerId: string) =>
  event("post.liked", { postId: newId("pst"), postAuthorId: authorId, userId: likerId }, likerId);

async function rowCount(sql: string, ...params: string[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}

describe("Web Push", () => {
  it("sends an aes128gcm message, VAPID-signed, that the browser decrypts to the notification", async () => {
    const [ada, bob] = await newAccounts(2);
    const browser = await subscribeBrowser(ada);

    const { result } = await deliver([liked(ada.user.id, bob.user.id)]);

    expect(result.retryMessages).toEqual([]);
    const [sent, ...more] = await providerRequests(browser.endpoint);
    if (!sent) throw new Error("no push was sent");
    expect(more).toEqual([]);
    expect(sent.method).toBe("POST");
    expect(sent.headers).toMatchObject({
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      ttl: "86400",
    });
    expect(sent.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]{87}$/);
    expect(sent.headers.authorization?.endsWith(`k=${env.VAPID_PUBLIC_KEY}`)).toBe(true);
    const payload = JSON.parse(await decryptPushMessage(bodyBytes(sent), browser.keys)) as Record<
      string,
      unknown
    >;
    const [stored] = (await notificationsOf(ada)).items;
    expect(payload).toEqual({
      title: "Plaza",
      body: `${bob.user.displayName} liked your post`,
      notificationId: stored?.id,
      type: "like",
    });
  });

  it.each([
    ["gone", 410],
    ["missing", 404],
  ] as const)(
    "when the push service answers %s (%i), then the subscription is deleted",
    async (kind, _status) => {
      const [ada, bob] = await newAccounts(2);
      const browser = await subscribeBrowser(ada, kind);

      const { result } = await deliver([liked(ada.user.id, bob.user.id)]);

      expect(result.retryMessages).toEqual([]);
      expect(await providerRequests(browser.endpoint)).toHaveLength(1);
      expect(await rowCount("SELECT count(*) AS n FROM push_subscriptions WHERE id = ?", browser.id)).toBe(0);
      await deliver([liked(ada.user.id, bob.user.id)]);
      expect(await providerRequests(browser.endpoint)).toHaveLength(1);
    },
  );

  it("when a stored subscription's key is off the curve, then it is removed and the other devices still get the push", async () => {
    // Stored before subscriptions were checked for a point on P-256: encrypting for it throws.
    const [ada, bob] = await newAccounts(2);
    const good = await subscribeBrowser(ada);
    const bad = await subscribeBrowser(ada);
    await env.DB.prepare("UPDATE push_subscriptions SET p256dh = ? WHERE id = ?")
      .bind(base64url(new Uint8Array(65).fill(4)), bad.id)
      .run();

    const { result } = await deliver([liked(ada.user.id, bob.user.id)]);

    expect(result.retryMessages).toEqual([]);
    expect(await providerRequests(good.endpoint)).toHaveLength(1);
    expect(await providerRequests(bad.endpoint)).toHaveLength(0);
    expect(await rowCount("SELECT count(*) AS n FROM push_subscriptions WHERE id = ?", bad.id)).toBe(0);
    expect((await notificationsOf(ada)).items).toHaveLength(1);
  });
});

describe("Expo push", () => {
  it("sends one event's messages to Expo in batches of at most 100", async () => {
    const sender = await newAccount();
    const recipients = await newAccounts(6);
    const tokens: string[] = [];
    for (const who of recipients) for (let i = 0; i < 20; i++) tokens.push(await registerExpoToken(who));
    const conversationId = newId("msg");
    const sent = event(
      "message.sent",
      {
        conversationId,
        messageId: newId("msg"),
        senderId: sender.user.id,
        recipientIds: recipients.map((who) => who.user.id),
        preview: "batch me",
      },
      sender.user.id,
    );

    const { result } = await deliver([sent]);

    expect(result.retryMessages).toEqual([]);
    const requests = (await providerRequests("exp.host/--/api/v2/push/send")).filter((r) =>
      bodyText(r).includes("batch me"),
    );
    const batches = requests.map((r) => JSON.parse(bodyText(r)) as { to: string; body: string }[]);
    expect(batches.map((batch) => batch.length)).toEqual([100, 20]);
    expect(
      batches
        .flat()
        .map((message) => message.to)
        .sort(),
    ).toEqual([...tokens].sort());
    expect(
      await rowCount("SELECT count(*) AS n FROM expo_tickets WHERE token IN (SELECT token FROM expo_tokens)"),
    ).toBeGreaterThanOrEqual(120);
  });

  it("when Expo answers DeviceNotRegistered, then the token is removed at once", async () => {
    const [ada, bob] = await newAccounts(2);
    const dead = await registerExpoToken(ada, "Unregistered");
    const alive = await registerExpoToken(ada);

    await deliver([liked(ada.user.id, bob.user.id)]);

    expect(await rowCount("SELECT count(*) AS n FROM expo_tokens WHERE token = ?", dead)).toBe(0);
    expect(await rowCount("SELECT count(*) AS n FROM expo_tokens WHERE token = ?", alive)).toBe(1);
  });

  it("when a receipt later says DeviceNotRegistered, then the scheduled run removes the token", async () => {
    const [ada, bob] = await newAccounts(2);
    const laterGone = await registerExpoToken(ada, "LaterGone");
    const fine = await registerExpoToken(ada);
    await deliver([liked(ada.user.id, bob.user.id)]);
    expect(
      await rowCount("SELECT count(*) AS n FROM expo_tickets WHERE token IN (?, ?)", laterGone, fine),
    ).toBe(2);

    await notificationsWorker.scheduled(createScheduledController(), env, createExecutionContext());

    expect(await providerRequests("getReceipts")).not.toHaveLength(0);
    expect(await rowCount("SELECT count(*) AS n FROM expo_tokens WHERE token = ?", laterGone)).toBe(0);
    expect(await rowCount("SELECT count(*) AS n FROM expo_tokens WHERE token = ?", fine)).toBe(1);
    expect(
      await rowCount("SELECT count(*) AS n FROM expo_tickets WHERE token IN (?, ?)", laterGone, fine),
    ).toBe(0);
  });
});

describe("messages while offline", () => {
  const messageTo = (recipientId: string, senderId: string, preview: string) =>
    event(
      "message.sent",
      {
        conversationId: newId("msg"),
        messageId: newId("msg"),
        senderId,
        recipientIds: [recipientId],
        preview,
      },
      senderId,
    );

  it("when the recipient is offline, then it is stored and a digest goes out by email and SMS", async () => {
    const [ada, bob] = await newAccounts(2);
    const phone = `+1415555${String(Math.floor(Math.random() * 10000)).padStart(4, "0")}`;
    expect((await setPreferences(ada, { phone, types: { message: { sms: true } } })).status).toBe(200);

    await deliver([messageTo(ada.user.id, bob.user.id, "are you there?")]);

    const [stored] = (await notificationsOf(ada)).items;
    expect(stored).toMatchObject({
      type: "message",
      subject: { type: "conversation", text: "are you there?" },
    });
    const email = await eventually(async () => {
      const [found] = await providerRequests(ada.email);
      if (!found) throw new Error("no email yet");
      return found;
    });
    expect(email.url).toBe("https://api.resend.com/emails");
    expect(email.headers.authorization).toBe("Bearer re_test_key");
    const mail = JSON.parse(bodyText(email)) as { to: string[]; from: string; subject: string; text: string };
    expect(mail.to).toEqual([ada.email]);
    expect(mail.subject).toBe("A conversation has new messages on Plaza");
    expect(mail.text).toContain("are you there?");
    const sms = await eventually(async () => {
      const [found] = await providerRequests(encodeURIComponent(phone));
      if (!found) throw new Error("no SMS yet");
      return found;
    });
    expect(sms.url).toBe(
      `https://api.twilio.com/2010-04-01/Accounts/${env.TWILIO_ACCOUNT_SID}/Messages.json`,
    );
    const form = new URLSearchParams(bodyText(sms));
    expect(form.get("To")).toBe(phone);
    expect(form.get("From")).toBe(env.TWILIO_FROM);
    expect(form.get("Body")).toContain("are you there?");
  });

  it("when the recipient is connected, then nothing is stored or sent (the message reached them live)", async () => {
    const [ada, bob] = await newAccounts(2);
    const socket = await connect(ada);

    await deliver([messageTo(ada.user.id, bob.user.id, "you are online")]);

    expect((await notificationsOf(ada)).items).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await providerRequests(ada.email)).toEqual([]);
    socket.close();
  });

  it("when the messages were read before the digest, then no digest is sent", async () => {
    const [ada, bob] = await newAccounts(2);
    expect((await setPreferences(ada, { types: { message: { email: false } } })).status).toBe(200);
    await deliver([messageTo(ada.user.id, bob.user.id, "quiet please")]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await providerRequests(ada.email)).toEqual([]);
    expect((await notificationsOf(ada)).items).toHaveLength(1);
  });
});

describe("account mail", () => {
  it("when I change my password, then I am told by email (through the real auth service)", async () => {
    const ada = await newAccount();
    const response = await env.AUTH_HTTP.fetch(
      request("POST", "/v1/auth/password", {
        token: ada.accessToken,
        body: { currentPassword: ada.password, newPassword: "a brand new passphrase" },
      }),
    );
    expect(response.status).toBe(204);

    const email = await eventually(async () => {
      const [found] = await providerRequests(ada.email);
      if (!found) throw new Error("no email yet");
      return found;
    });
    const mail = JSON.parse(bodyText(email)) as { subject: string; text: string };
    expect(mail.subject).toBe("Your Plaza password was changed");
    expect(email.headers["idempotency-key"]).toMatch(/^evt_/);
    const [stored] = (await notificationsOf(ada)).items;
    expect(stored).toMatchObject({ type: "security", actor: null });
  });
});

describe("preferences filter deliveries", () => {
  it("when push is off for likes, then a like is listed but not pushed", async () => {
    const [ada, bob] = await newAccounts(2);
    const browser = await subscribeBrowser(ada);
    expect((await setPreferences(ada, { types: { like: { push: false } } })).status).toBe(200);

    await deliver([liked(ada.user.id, bob.user.id)]);

    expect((await notificationsOf(ada)).items).toHaveLength(1);
    expect(await providerRequests(browser.endpoint)).toEqual([]);
  });

  it("when in-app is off for follows, then a follow is pushed but not listed or sent to sockets", async () => {
    const [ada, bob] = await newAccounts(2);
    const browser = await subscribeBrowser(ada);
    const socket = await connect(ada);
    expect((await setPreferences(ada, { types: { follow: { inApp: false } } })).status).toBe(200);

    await deliver([
      event("user.followed", { followerId: bob.user.id, followeeId: ada.user.id }, bob.user.id),
    ]);

    expect((await notificationsOf(ada)).items).toEqual([]);
    expect(await providerRequests(browser.endpoint)).toHaveLength(1);
    expect(socket.frames.filter((frame) => frame.type === "notification")).toEqual([]);
    socket.close();
  });
});

describe("a channel without its provider keys", () => {
  it("is skipped cleanly: the event is acknowledged, stored, and nothing goes out", async () => {
    const [ada, bob] = await newAccounts(2);
    const browser = await subscribeBrowser(ada);
    const bare = { ...env, VAPID_PRIVATE_KEY: "", RESEND_API_KEY: "" };

    const { ids, result } = await deliver(
      [
        event("account.password_changed", { userId: ada.user.id }, ada.user.id),
        liked(ada.user.id, bob.user.id),
      ],
      bare,
    );

    expect(result.explicitAcks).toEqual(ids);
    expect((await notificationsOf(ada)).items).toHaveLength(2);
    expect(await providerRequests(browser.endpoint)).toEqual([]);
    expect(await providerRequests(ada.email)).toEqual([]);
  });
});

describe("the scheduled run", () => {
  it("when there is nothing to check, then it asks Expo nothing", async () => {
    await env.DB.prepare("DELETE FROM expo_tickets").run();
    const before = (await providerRequests("getReceipts")).length;
    await notificationsWorker.scheduled(createScheduledController(), env, createExecutionContext());
    expect(await providerRequests("getReceipts")).toHaveLength(before);
  });
});

describe("routes", () => {
  it("GET /v1/push/vapid-public-key gives the applicationServerKey", async () => {
    const response = await call(request("GET", "/v1/push/vapid-public-key"));
    expect(await response.json()).toEqual({ publicKey: env.VAPID_PUBLIC_KEY });
  });
});
