import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerAccount } from "../../../lib/testing/accounts";
import { errorOf, request, unique } from "../../../lib/testing/http";
import { worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);

async function accountCount(email: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE email_normalized = ?")
    .bind(email.toLowerCase())
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("register refuses", () => {
  it("an email that is taken, in any case, with 409 and no second account", async () => {
    const account = await registerAccount(worker.default);
    const response = await call(
      request("POST", "/v1/auth/register", {
        body: {
          email: account.email.toUpperCase(),
          password: "another password",
          handle: unique("h").toLowerCase(),
        },
      }),
    );
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toMatchObject({ code: "conflict" });
    expect(await accountCount(account.email)).toBe(1);
  });

  it("a handle that is taken, with 409, leaving no half-made account behind", async () => {
    const account = await registerAccount(worker.default);
    const email = `${unique("x")}@example.com`;
    const response = await call(
      request("POST", "/v1/auth/register", {
        body: { email, password: "another password", handle: account.handle },
      }),
    );
    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toMatch(/handle/);
    expect(await accountCount(email)).toBe(0);
  });

  it("invalid fields, naming each one", async () => {
    const response = await call(
      request("POST", "/v1/auth/register", {
        body: { email: "not-an-email", password: "short", handle: "No!" },
      }),
    );
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details?.map((d) => d.path).sort()).toEqual(["body.email", "body.handle", "body.password"]);
  });

  it("a password over 128 characters", async () => {
    const response = await call(
      request("POST", "/v1/auth/register", {
        body: {
          email: `${unique("p")}@example.com`,
          password: "x".repeat(129),
          handle: unique("p").toLowerCase(),
        },
      }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.[0]?.path).toBe("body.password");
  });

  it("unknown fields", async () => {
    const response = await call(
      request("POST", "/v1/auth/register", {
        body: {
          email: `${unique("u")}@example.com`,
          password: "long enough",
          handle: unique("u").toLowerCase(),
          admin: true,
        },
      }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual([{ path: "body.admin", message: "unknown field" }]);
  });

  it("malformed JSON with 400, another content type with 415, and an oversized body with 413", async () => {
    const malformed = await call(request("POST", "/v1/auth/register", { body: '{"email":' }));
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe("bad_request");

    const text = await call(
      request("POST", "/v1/auth/register", { body: "email=a", headers: { "content-type": "text/plain" } }),
    );
    expect(text.status).toBe(415);
    expect(await errorOf(text)).toMatchObject({
      code: "unsupported_media_type",
      message: expect.stringContaining("application/json"),
    });

    const huge = await call(request("POST", "/v1/auth/register", { body: { email: "x".repeat(70_000) } }));
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).code).toBe("payload_too_large");
  });

  it("a missing body", async () => {
    const response = await call(new Request("https://plaza.test/v1/auth/register", { method: "POST" }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    await errorOf(response);
  });
});

describe("login refuses", () => {
  it("an unknown email and a wrong password with the same 401 invalid_credentials", async () => {
    const account = await registerAccount(worker.default);
    const unknown = await call(
      request("POST", "/v1/auth/login", {
        body: { email: `${unique("n")}@example.com`, password: "whatever it is" },
      }),
    );
    const wrong = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: "wrong one" } }),
    );
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await errorOf(unknown), await errorOf(wrong)];
    expect(a.code).toBe("invalid_credentials");
    expect(b.code).toBe("invalid_credentials");
    expect(a.message).toBe(b.message);
    expect(unknown.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("after five failures for one email, even the right password, with 429 and retry-after", async () => {
    const account = await registerAccount(worker.default);
    for (let i = 0; i < 4; i++) {
      const wrong = await call(
        request("POST", "/v1/auth/login", { body: { email: account.email, password: "wrong one" } }),
      );
      expect(wrong.status).toBe(401);
    }
    const fifth = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: "wrong one" } }),
    );
    expect(fifth.status).toBe(429);

    const right = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );
    expect(right.status).toBe(429);
    expect((await errorOf(right)).code).toBe("rate_limited");
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(800);
    const row = await env.DB.prepare(
      "SELECT failures, locked_until FROM login_attempts WHERE email_normalized = ?",
    )
      .bind(account.email)
      .first<{ failures: number; locked_until: number }>();
    expect(row?.failures).toBe(5);
    expect(row?.locked_until).toBeGreaterThan(Date.now());
  });

  it("locks unknown emails the same way, so a lockout reveals nothing", async () => {
    const email = `${unique("ghost")}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await call(request("POST", "/v1/auth/login", { body: { email, password: "guess guess" } }))).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it("when the lock is over, then the right password signs in and the failures are forgotten", async () => {
    const account = await registerAccount(worker.default);
    await env.DB.prepare(
      "INSERT INTO login_attempts (email_normalized, failures, window_started_at, locked_until) VALUES (?, 5, ?, ?)",
    )
      .bind(account.email, Date.now() - 20 * 60_000, Date.now() - 1000)
      .run();
    const response = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );
    expect(response.status).toBe(200);
    const row = await env.DB.prepare("SELECT * FROM login_attempts WHERE email_normalized = ?")
      .bind(account.email)
      .first();
    expect(row).toBeNull();
  });
});

describe("tokens refuse", () => {
  it("a refresh token nobody issued", async () => {
    const response = await call(
      request("POST", "/v1/auth/refresh", { body: { refreshToken: "A".repeat(43) } }),
    );
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
  });

  it("a malformed refresh token with 400", async () => {
    const response = await call(request("POST", "/v1/auth/refresh", { body: { refreshToken: "short" } }));
    expect(response.status).toBe(400);
  });

  it("session routes without a token, with 401 and WWW-Authenticate", async () => {
    const response = await call(request("GET", "/v1/auth/sessions"));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("a session id of the wrong shape with 400", async () => {
    const account = await registerAccount(worker.default);
    const response = await call(request("DELETE", "/v1/auth/sessions/nope", { token: account.accessToken }));
    expect(response.status).toBe(400);
  });

  it("a password change with the wrong current password, changing nothing", async () => {
    const account = await registerAccount(worker.default);
    const before = await env.DB.prepare("SELECT password_hash FROM accounts WHERE id = ?")
      .bind(account.user.id)
      .first();
    const response = await call(
      request("POST", "/v1/auth/password", {
        token: account.accessToken,
        body: { currentPassword: "not it at all", newPassword: "a new long password" },
      }),
    );
    expect(response.status).toBe(403);
    const after = await env.DB.prepare("SELECT password_hash FROM accounts WHERE id = ?")
      .bind(account.user.id)
      .first();
    expect(after).toEqual(before);
  });
});

describe("unknown routes", () => {
  it("get 404 with the standard body", async () => {
    const response = await call(request("GET", "/v1/auth/nothing-here"));
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe("not_found");
  });
});
