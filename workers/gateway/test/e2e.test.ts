import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf, request, unique, uniqueIp } from "../../../lib/testing/http";
import { decodeJwt } from "../../../lib/testing/tokens";
import { call } from "./worker";

describe("a whole session through the gateway", () => {
  it("register -> login -> me -> refresh -> reuse detected -> logout -> the access token is refused", async () => {
    const ip = uniqueIp();
    const headers = { "cf-connecting-ip": ip };
    const handle = unique("e2e").toLowerCase();
    const email = `${handle}@example.com`;
    const password = "correct horse battery";

    const registered = await call(
      request("POST", "/v1/auth/register", { headers, body: { email, password, handle } }),
    );
    expect(registered.status).toBe(201);
    const { user } = (await registered.json()) as { user: { id: string } };

    const login = await call(request("POST", "/v1/auth/login", { headers, body: { email, password } }));
    expect(login.status).toBe(200);
    const session = (await login.json()) as { accessToken: string; refreshToken: string };

    const me = await call(request("GET", "/v1/users/me", { headers, token: session.accessToken }));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, handle });

    const refreshed = await call(
      request("POST", "/v1/auth/refresh", { headers, body: { refreshToken: session.refreshToken } }),
    );
    expect(refreshed.status).toBe(200);
    const rotated = (await refreshed.json()) as { accessToken: string; refreshToken: string };

    // The old refresh token comes back after the grace period: someone copied it.
    const oldHash = [
      ...new Uint8Array(
        await crypto.subtle.digest("SHA-256", new TextEncoder().encode(session.refreshToken)),
      ),
    ]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    await env.AUTH_DB.prepare(
      "UPDATE refresh_tokens SET rotated_at = rotated_at - 60000 WHERE token_hash = ?",
    )
      .bind(oldHash)
      .run();
    const reuse = await call(
      request("POST", "/v1/auth/refresh", { headers, body: { refreshToken: session.refreshToken } }),
    );
    expect(reuse.status).toBe(401);
    expect((await errorOf(reuse)).message).toMatch(/already used/);

    // Reuse revoked the whole session: the rotated access token no longer works either.
    const afterReuse = await call(request("GET", "/v1/users/me", { headers, token: rotated.accessToken }));
    expect(afterReuse.status).toBe(401);

    // A fresh session, then logout: its access token is refused at once.
    const again = (await (
      await call(request("POST", "/v1/auth/login", { headers, body: { email, password } }))
    ).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    expect((await call(request("GET", "/v1/users/me", { headers, token: again.accessToken }))).status).toBe(
      200,
    );
    const logout = await call(
      request("POST", "/v1/auth/logout", { headers, body: { refreshToken: again.refreshToken } }),
    );
    expect(logout.status).toBe(204);
    const refused = await call(request("GET", "/v1/users/me", { headers, token: again.accessToken }));
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).message).toMatch(/session/);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const sid = decodeJwt(again.accessToken).payload.sid as string;
    expect(await env.REVOKED_SESSIONS.get(`revoked-session:${sid}`)).toBe("logout");
  });

  it("a stale token on a route that does not need one does not get in the way", async () => {
    const handle = unique("st").toLowerCase();
    const body = { email: `${handle}@example.com`, password: "correct horse battery", handle };
    const response = await call(
      request("POST", "/v1/auth/register", {
        body,
        token: "stale.token.here",
        headers: { "cf-connecting-ip": uniqueIp() },
      }),
    );
    expect(response.status).toBe(201);
  });

  it("follows between two users work through the gateway", async () => {
    const register = async () => {
      const handle = unique("f").toLowerCase();
      const response = await call(
        request("POST", "/v1/auth/register", {
          headers: { "cf-connecting-ip": uniqueIp() },
          body: { email: `${handle}@example.com`, password: "correct horse battery", handle },
        }),
      );
      return { handle, ...((await response.json()) as { accessToken: string }) };
    };
    const [ada, bob] = [await register(), await register()];
    expect(
      (await call(request("PUT", `/v1/users/${ada.handle}/follow`, { token: bob.accessToken }))).status,
    ).toBe(204);
    const profile = await call(request("GET", `/v1/users/${ada.handle}`, { token: bob.accessToken }));
    expect(await profile.json()).toMatchObject({ followers: 1, followedByMe: true });
  });
});
