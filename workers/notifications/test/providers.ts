// Runs in Node, inside the vitest config: the outbound network of the notifications Worker under
// test. It plays the providers' real HTTP APIs (push services, Expo, Resend, Twilio), records
// every request, and answers as they do, failures included. Tests read the record at
// https://providers.test/requests (through the same outbound path). Web APIs only (no Node
// globals), so that it type-checks with the Workers it stands beside.

interface Recorded {
  at: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body, base64 (push bodies are binary). */
  body: string;
  /** The body as text, for searching. */
  text: string;
}

const PUSH_HOSTS =
  /(^fcm\.googleapis\.com|push\.services\.mozilla\.com|push\.apple\.com|notify\.windows\.com)$/;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

/** A fresh fake: its own record and its own memory of endpoints that already failed once. */
export function fakeProviders() {
  const requests: Recorded[] = [];
  const failedOnce = new Set<string>();
  let ticketCounter = 0;

  return async function providers(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.hostname === "providers.test") {
      const contains = url.searchParams.get("contains") ?? "";
      return json(requests.filter((r) => r.url.includes(contains) || r.text.includes(contains)));
    }
    const bytes = new Uint8Array(await request.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    requests.push({
      at: Date.now(),
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: toBase64(bytes),
      text,
    });

    if (PUSH_HOSTS.test(url.hostname)) {
      // Endpoint paths choose the push service's answer: gone (410), missing (404), busy (503),
      // flaky (503 the first time, then 201); anything else is accepted (201).
      if (url.pathname.includes("/gone"))
        return new Response("push subscription has unsubscribed or expired", { status: 410 });
      if (url.pathname.includes("/missing")) return new Response("not found", { status: 404 });
      if (url.pathname.includes("/busy")) return new Response("try later", { status: 503 });
      if (url.pathname.includes("/flaky") && !failedOnce.has(url.pathname)) {
        failedOnce.add(url.pathname);
        return new Response("try later", { status: 503 });
      }
      return new Response(null, {
        status: 201,
        headers: { location: `${url.origin}/message/${requests.length}` },
      });
    }

    if (url.hostname === "exp.host" && url.pathname === "/--/api/v2/push/send") {
      const messages = JSON.parse(text) as { to: string }[];
      if (!Array.isArray(messages) || messages.length > 100)
        return json({ errors: [{ code: "PUSH_TOO_MANY_NOTIFICATIONS", message: "at most 100" }] }, 400);
      return json({
        data: messages.map((message) => {
          if (message.to.includes("Unregistered"))
            return {
              status: "error",
              message: `"${message.to}" is not a registered push notification recipient`,
              details: { error: "DeviceNotRegistered", expoPushToken: message.to },
            };
          ticketCounter += 1;
          // Tokens marked LaterGone are accepted now and reported unregistered in their receipt.
          const prefix = message.to.includes("LaterGone") ? "gone" : "ok";
          return { status: "ok", id: `${prefix}-${ticketCounter}` };
        }),
      });
    }

    if (url.hostname === "exp.host" && url.pathname === "/--/api/v2/push/getReceipts") {
      const { ids } = JSON.parse(text) as { ids: string[] };
      return json({
        data: Object.fromEntries(
          ids.map((id) => [
            id,
            id.startsWith("gone-")
              ? { status: "error", message: "not registered", details: { error: "DeviceNotRegistered" } }
              : { status: "ok" },
          ]),
        ),
      });
    }

    if (url.hostname === "api.resend.com" && url.pathname === "/emails") {
      if (!request.headers.get("authorization")?.startsWith("Bearer "))
        return json({ name: "missing_api_key", message: "Missing API key" }, 401);
      return json({ id: crypto.randomUUID() });
    }

    if (
      url.hostname === "api.twilio.com" &&
      /^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(url.pathname)
    ) {
      const form = new URLSearchParams(text);
      if (!form.get("To") || !form.get("Body"))
        return json({ code: 21604, message: "A 'To' phone number is required." }, 400);
      return json({ sid: `SM${crypto.randomUUID().replaceAll("-", "")}`, status: "queued" }, 201);
    }

    return new Response("no such host in the test network", { status: 502 });
  };
}
