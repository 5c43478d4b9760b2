import { describe, expect, it } from "vitest";
import { TtlCache } from "../../../lib/cache";
import { registerAccount } from "../../../lib/testing/accounts";
import { errorOf, request, uniqueIp } from "../../../lib/testing/http";
import { decodeJwt } from "../../../lib/testing/tokens";
import { call } from "./worker";

describe("the gateway's revocation answers (cached per isolate)", () => {
  it("refuses a session revoked from another session at once, though its answer was cached", async () => {
    const account = await registerAccount({ fetch: call });
    const headers = { "cf-connecting-ip": uniqueIp() };
    const login = await call(
      request("POST", "/v1/auth/login", {
        headers,
        body: { email: account.email, password: account.password },
      }),
    );
    const other = (await login.json()) as { accessToken: string };

    // The registration's token is checked once: "not revoked" is now cached in this isolate.
    expect((await call(request("GET", "/v1/users/me", { token: account.accessToken }))).status).toBe(200);

    const { sid } = decodeJwt(account.accessToken).payload as { sid: string };
    const revoked = await call(
      request("DELETE", `/v1/auth/sessions/${sid}`, { headers, token: other.accessToken }),
    );
    expect(revoked.status).toBe(204);

    const refused = await call(request("GET", "/v1/users/me", { token: account.accessToken }));
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("unauthorized");
    expect((await call(request("GET", "/v1/users/me", { token: other.accessToken }))).status).toBe(200);
  });
});

describe("TtlCache", () => {
  it("forgets entries after their time and the oldest beyond its size", () => {
    let now = 1_000;
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 2, now: () => now });
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("a")).toBeUndefined();
    expect([cache.get("b"), cache.get("c")]).toEqual([2, 3]);
    now += 100;
    expect(cache.get("b")).toBeUndefined();
    cache.set("c", 4);
    expect(cache.get("c")).toBe(4);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
