import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokedSessionKey } from "../../../lib/auth/claims";
import { SESSIONS_ENDED_HEADER } from "../../../lib/service";
import { registerAccount } from "../../../lib/testing/accounts";
import { errorOf, request } from "../../../lib/testing/http";
import { badTokenCases, decodeJwt, forgeToken } from "../../../lib/testing/tokens";
import { hashRefreshToken } from "../src/refresh-tokens";
import { worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);
const refresh = (refreshToken: string) =>
  call(request("POST", "/v1/auth/refresh", { body: { refreshToken } }));
const listSessions = (token: string) => call(request("GET", "/v1/auth/sessions", { token }));

async function sessionOf(accessToken: string) {
  const sid = decodeJwt(accessToken).payload.sid as string;
  return env.DB.prepare("SELECT revoked_at, revoked_reason FROM sessions WHERE id = ?").bind(sid).first();
}

/** Moves a refresh token's rotation into the past, beyond the reuse grace. */
async function ageRotation(refreshToken: string, ms: number) {
  await env.DB.prepare("UPDATE refresh_tokens SET rotated_at = rotated_at - ? WHERE token_hash = ?")
    .bind(ms, await hashRefreshToken(refreshToken))
    .run();
}

describe("refresh token reuse", () => {
  it("when a retired refresh token comes back after the grace, then the whole session is revoked", async () => {
    const account = await registerAccount(worker.default);
    const first = (await (await refresh(account.refreshToken)).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    await ageRotation(account.refreshToken, 60_000);

    const reuse = await refresh(account.refreshToken);

    expect(reuse.status).toBe(401);
    expect(reuse.headers.get(SESSIONS_ENDED_HEADER)).toBe("1");
    expect((await errorOf(reuse)).message).toMatch(/already used/);
    expect(await sessionOf(account.accessToken)).toMatchObject({ revoked_reason: "refresh_reuse" });
    const sid = decodeJwt(account.accessToken).payload.sid as string;
    expect(await env.REVOKED_SESSIONS.get(revokedSessionKey(sid))).toBe("refresh_reuse");
    // The thief's and the owner's latest tokens are both dead now.
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await listSessions(first.accessToken)).status).toBe(401);
  });

  it("when two refreshes race within the grace, then both get a pair and the session lives", async () => {
    const account = await registerAccount(worker.default);
    const [a, b] = await Promise.all([refresh(account.refreshToken), refresh(account.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await sessionOf(account.accessToken)).toMatchObject({ revoked_at: null });
  });

  it("when the session was logged out, then its refresh token is refused", async () => {
    const account = await registerAccount(worker.default);
    await call(request("POST", "/v1/auth/logout", { body: { refreshToken: account.refreshToken } }));
    expect((await refresh(account.refreshToken)).status).toBe(401);
  });
});

describe("session lifetime", () => {
  it("when the session is past its absolute lifetime, then refresh is refused", async () => {
    const account = await registerAccount(worker.default);
    const sid = decodeJwt(account.accessToken).payload.sid as string;
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, sid)
      .run();
    expect((await refresh(account.refreshToken)).status).toBe(401);
  });

  it("when the session was idle past the timeout, then refresh is refused", async () => {
    const account = await registerAccount(worker.default);
    const sid = decodeJwt(account.accessToken).payload.sid as string;
    const fifteenDays = 15 * 24 * 3600 * 1000;
    await env.DB.prepare("UPDATE sessions SET last_used_at = last_used_at - ? WHERE id = ?")
      .bind(fifteenDays, sid)
      .run();
    expect((await refresh(account.refreshToken)).status).toBe(401);
  });
});

describe("access tokens that are refused", () => {
  it.each(badTokenCases(env.TEST_SIGNING_JWK))("refuses a token that is %s", async (_name, make) => {
    const account = await registerAccount(worker.default);
    const response = await listSessions(await make(account.accessToken));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("accepts a token forged only to prove the test key is the real one", async () => {
    const account = await registerAccount(worker.default);
    const { sub, sid } = decodeJwt(account.accessToken).payload as { sub: string; sid: string };
    expect((await listSessions(await forgeToken(env.TEST_SIGNING_JWK, sub, sid))).status).toBe(200);
  });

  it("refuses a valid token whose session was revoked", async () => {
    const account = await registerAccount(worker.default);
    await call(request("POST", "/v1/auth/logout", { body: { refreshToken: account.refreshToken } }));
    expect((await listSessions(account.accessToken)).status).toBe(401);
  });

  it("refuses an Authorization header that is not a bearer token", async () => {
    const response = await call(
      request("GET", "/v1/auth/sessions", { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
    );
    expect(response.status).toBe(401);
  });
});

describe("other users' sessions (IDOR)", () => {
  it("cannot be revoked: they are not found, and stay live", async () => {
    const alice = await registerAccount(worker.default);
    const mallory = await registerAccount(worker.default);
    const aliceSession = decodeJwt(alice.accessToken).payload.sid as string;

    const response = await call(
      request("DELETE", `/v1/auth/sessions/${aliceSession}`, { token: mallory.accessToken }),
    );

    expect(response.status).toBe(404);
    expect(await sessionOf(alice.accessToken)).toMatchObject({ revoked_at: null });
    expect((await listSessions(alice.accessToken)).status).toBe(200);
  });

  it("are not listed", async () => {
    const alice = await registerAccount(worker.default);
    const mallory = await registerAccount(worker.default);
    const { items } = (await (await listSessions(mallory.accessToken)).json()) as { items: { id: string }[] };
    expect(items.map((s) => s.id)).not.toContain(decodeJwt(alice.accessToken).payload.sid);
  });
});

describe("errors", () => {
  it("never show internals", async () => {
    const response = await call(request("POST", "/v1/auth/login", { body: '{"email": [' }));
    const text = await response.text();
    expect(text).not.toMatch(/stack|at async|SQLITE/i);
  });
});
