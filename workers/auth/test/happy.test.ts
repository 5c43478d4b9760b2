import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokedSessionKey } from "../../../lib/auth/claims";
import { SESSIONS_ENDED_HEADER } from "../../../lib/service";
import { registerAccount } from "../../../lib/testing/accounts";
import { request, unique } from "../../../lib/testing/http";
import { decodeJwt } from "../../../lib/testing/tokens";
import { hashRefreshToken } from "../src/refresh-tokens";
import { worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);

async function sessionRow(id: string) {
  return env.DB.prepare("SELECT * FROM sessions WHERE id = ?").bind(id).first<{
    user_id: string;
    revoked_at: number | null;
    revoked_reason: string | null;
    last_used_at: number;
  }>();
}

describe("register", () => {
  it("when the input is valid, then the account, its profile and a session exist and tokens come back", async () => {
    const handle = unique("ada").toLowerCase().slice(0, 30);
    const response = await call(
      request("POST", "/v1/auth/register", {
        body: {
          email: `${handle.toUpperCase()}@Example.com`,
          password: "correct horse",
          handle,
          displayName: "Ada",
        },
      }),
    );

    expect(response.status).toBe(201);
    expect(response.headers.get(SESSIONS_ENDED_HEADER)).toBeNull();
    const body = (await response.json()) as Record<string, unknown> & {
      user: { id: string };
      accessToken: string;
    };
    expect(Object.keys(body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "user"]);
    expect(body.user).toEqual({ id: expect.stringMatching(/^usr_/), handle, displayName: "Ada" });
    expect(body.expiresIn).toBe(900);

    const account = await env.DB.prepare("SELECT * FROM accounts WHERE id = ?").bind(body.user.id).first();
    expect(account).toMatchObject({
      email_normalized: `${handle}@example.com`,
      status: "active",
      password_hash: expect.stringMatching(/^pbkdf2-sha256\$100000\$[\w-]{22}\$[\w-]{43}$/),
    });
    const profile = await env.USERS_DB.prepare("SELECT handle, display_name FROM profiles WHERE id = ?")
      .bind(body.user.id)
      .first();
    expect(profile).toEqual({ handle, display_name: "Ada" });
    const sid = decodeJwt(body.accessToken).payload.sid as string;
    expect(await sessionRow(sid)).toMatchObject({ user_id: body.user.id, revoked_at: null });
  });

  it("when no display name is given, then the handle is used", async () => {
    const account = await registerAccount(worker.default);
    expect(account.user.displayName).toBe(account.handle);
  });
});

describe("access tokens", () => {
  it("are ES256 JWTs typed at+jwt with a kid, and carry iss, aud, sub, sid, iat and a 15-minute exp", async () => {
    const account = await registerAccount(worker.default);
    const { header, payload } = decodeJwt(account.accessToken);
    expect(header).toEqual({ alg: "ES256", typ: "at+jwt", kid: "test-key-1" });
    expect(payload).toMatchObject({ iss: "plaza-auth", aud: "plaza-api", sub: account.user.id });
    expect(payload.sid).toMatch(/^ses_/);
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
  });

  it("verify against the published JWKS, which holds no private part", async () => {
    const response = await call(request("GET", "/.well-known/jwks.json"));
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: "EC",
      crv: "P-256",
      kid: "test-key-1",
      alg: "ES256",
      use: "sig",
    });
    expect(jwks.keys[0]).not.toHaveProperty("d");
    expect(await worker.AuthService.jwks()).toEqual(jwks);
  });
});

describe("login", () => {
  it("when the password is right, then a new session starts, whatever the email's case", async () => {
    const account = await registerAccount(worker.default);
    const response = await call(
      request("POST", "/v1/auth/login", {
        body: { email: account.email.toUpperCase(), password: account.password },
      }),
    );

    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: unknown; accessToken: string };
    expect(body.user).toEqual(account.user);
    const sid = decodeJwt(body.accessToken).payload.sid;
    expect(sid).not.toBe(decodeJwt(account.accessToken).payload.sid);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?")
      .bind(account.user.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(2);
  });

  it("when the stored hash has fewer iterations than today's, then it is upgraded on sign-in", async () => {
    const account = await registerAccount(worker.default);
    const { hashPassword } = await import("../src/passwords");
    const weak = (await hashPassword(account.password, env.PASSWORD_PEPPER)).replace("$100000$", "$1000$");
    // A hash made at 1,000 iterations cannot verify at 100,000: make a real one at 1,000.
    const { base64url, fromBase64url } = await import("../../../lib/ids");
    const salt = fromBase64url(weak.split("$")[2] ?? "");
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(env.PASSWORD_PEPPER),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const peppered = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(account.password));
    const material = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 },
      material,
      256,
    );
    const weakHash = `pbkdf2-sha256$1000$${base64url(salt)}$${base64url(new Uint8Array(bits))}`;
    await env.DB.prepare("UPDATE accounts SET password_hash = ? WHERE id = ?")
      .bind(weakHash, account.user.id)
      .run();

    const response = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );

    expect(response.status).toBe(200);
    const row = await env.DB.prepare("SELECT password_hash FROM accounts WHERE id = ?")
      .bind(account.user.id)
      .first<{
        password_hash: string;
      }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
  });
});

describe("refresh", () => {
  it("when the refresh token is current, then a new pair comes back and the old token is retired", async () => {
    const account = await registerAccount(worker.default);
    const response = await call(
      request("POST", "/v1/auth/refresh", { body: { refreshToken: account.refreshToken } }),
    );

    expect(response.status).toBe(200);
    // An ordinary refresh ends no session: the gateway keeps its revocation answers.
    expect(response.headers.get(SESSIONS_ENDED_HEADER)).toBeNull();
    const body = (await response.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
    expect(body.refreshToken).not.toBe(account.refreshToken);
    expect(decodeJwt(body.accessToken).payload.sid).toBe(decodeJwt(account.accessToken).payload.sid);
    const old = await env.DB.prepare("SELECT rotated_at FROM refresh_tokens WHERE token_hash = ?")
      .bind(await hashRefreshToken(account.refreshToken))
      .first<{ rotated_at: number | null }>();
    expect(old?.rotated_at).toEqual(expect.any(Number));
    const fresh = await env.DB.prepare("SELECT rotated_at FROM refresh_tokens WHERE token_hash = ?")
      .bind(await hashRefreshToken(body.refreshToken))
      .first();
    expect(fresh).toEqual({ rotated_at: null });
  });

  it("stores only hashes of refresh tokens", async () => {
    const account = await registerAccount(worker.default);
    const plain = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE token_hash = ?")
      .bind(account.refreshToken)
      .first<{ n: number }>();
    expect(plain?.n).toBe(0);
  });
});

describe("logout", () => {
  it("when the refresh token is known, then its session is revoked in D1 and published to KV", async () => {
    const account = await registerAccount(worker.default);
    const sid = decodeJwt(account.accessToken).payload.sid as string;

    const response = await call(
      request("POST", "/v1/auth/logout", { body: { refreshToken: account.refreshToken } }),
    );

    expect(response.status).toBe(204);
    expect(response.headers.get(SESSIONS_ENDED_HEADER)).toBe("1");
    expect(await sessionRow(sid)).toMatchObject({ revoked_reason: "logout", revoked_at: expect.any(Number) });
    expect(await env.REVOKED_SESSIONS.get(revokedSessionKey(sid))).toBe("logout");
    const again = await call(
      request("POST", "/v1/auth/logout", { body: { refreshToken: account.refreshToken } }),
    );
    expect(again.status).toBe(204);
    // Already ended: this one ended nothing.
    expect(again.headers.get(SESSIONS_ENDED_HEADER)).toBeNull();
  });
});

describe("sessions", () => {
  it("lists my live sessions with the current one marked", async () => {
    const account = await registerAccount(worker.default);
    await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );

    const response = await call(request("GET", "/v1/auth/sessions", { token: account.accessToken }));

    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { id: string; current: boolean }[] };
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.current).map((s) => s.id)).toEqual([
      decodeJwt(account.accessToken).payload.sid,
    ]);
  });

  it("revokes one of my sessions by id", async () => {
    const account = await registerAccount(worker.default);
    const login = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );
    const other = decodeJwt(((await login.json()) as { accessToken: string }).accessToken).payload
      .sid as string;

    const response = await call(
      request("DELETE", `/v1/auth/sessions/${other}`, { token: account.accessToken }),
    );

    expect(response.status).toBe(204);
    expect(response.headers.get(SESSIONS_ENDED_HEADER)).toBe("1");
    expect(await sessionRow(other)).toMatchObject({ revoked_reason: "revoked" });
    expect(await env.REVOKED_SESSIONS.get(revokedSessionKey(other))).toBe("revoked");
  });
});

describe("password change", () => {
  it("when the current password is right, then the new one works and my other sessions end", async () => {
    const account = await registerAccount(worker.default);
    const login = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );
    const other = decodeJwt(((await login.json()) as { accessToken: string }).accessToken).payload
      .sid as string;
    const current = decodeJwt(account.accessToken).payload.sid as string;

    const response = await call(
      request("POST", "/v1/auth/password", {
        token: account.accessToken,
        body: { currentPassword: account.password, newPassword: "a new long password" },
      }),
    );

    expect(response.status).toBe(204);
    expect(response.headers.get(SESSIONS_ENDED_HEADER)).toBe("1");
    expect(await sessionRow(other)).toMatchObject({ revoked_reason: "password_changed" });
    expect(await sessionRow(current)).toMatchObject({ revoked_at: null });
    expect(await env.REVOKED_SESSIONS.get(revokedSessionKey(other))).toBe("password_changed");
    const oldLogin = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );
    expect(oldLogin.status).toBe(401);
    const newLogin = await call(
      request("POST", "/v1/auth/login", { body: { email: account.email, password: "a new long password" } }),
    );
    expect(newLogin.status).toBe(200);
  });
});

describe("RPC", () => {
  it("answers the gateway's ping", async () => {
    expect(await worker.AuthService.ping()).toBe("ok");
  });
});
