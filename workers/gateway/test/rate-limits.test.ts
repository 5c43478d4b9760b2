import { describe, expect, it } from "vitest";
import { errorOf, request, unique, uniqueIp } from "../../../lib/testing/http";
import { call } from "./worker";

describe("rate limits", () => {
  it("when one address calls the auth endpoints too often, then it gets 429 with retry-after", async () => {
    const ip = uniqueIp();
    const login = () =>
      call(
        request("POST", "/v1/auth/login", {
          headers: { "cf-connecting-ip": ip },
          body: { email: `${unique("rl")}@example.com`, password: "not the password" },
        }),
      );
    // The limiter counts in fixed 60 s windows, so a window may turn over mid-test: allow for one.
    let allowed = 0;
    let limited: Response | null = null;
    for (let i = 0; i < 45 && !limited; i++) {
      const response = await login();
      if (response.status === 429) limited = response;
      else {
        expect(response.status).toBe(401);
        allowed += 1;
        await response.body?.cancel();
      }
    }
    expect(limited?.status).toBe(429);
    expect(allowed).toBeGreaterThanOrEqual(20);
    expect(limited?.headers.get("retry-after")).toBe("60");
    expect(limited ? await errorOf(limited) : null).toMatchObject({ code: "rate_limited" });

    // Another address is not affected.
    const other = await call(
      request("POST", "/v1/auth/login", {
        headers: { "cf-connecting-ip": uniqueIp() },
        body: { email: `${unique("rl")}@example.com`, password: "not the password" },
      }),
    );
    expect(other.status).toBe(401);
  });

  it("when one user writes too often, then their writes get 429 while reads still work", async () => {
    const handle = unique("w").toLowerCase();
    const registered = await call(
      request("POST", "/v1/auth/register", {
        headers: { "cf-connecting-ip": uniqueIp() },
        body: { email: `${handle}@example.com`, password: "correct horse battery", handle },
      }),
    );
    const { accessToken } = (await registered.json()) as { accessToken: string };
    let limited: Response | null = null;
    // 120 a minute, in fixed windows: a window turning over mid-test can allow up to twice that.
    for (let i = 0; i < 250 && !limited; i++) {
      const response = await call(
        request("PATCH", "/v1/users/me", { token: accessToken, body: { bio: `write ${i}` } }),
      );
      if (response.status === 429) limited = response;
      else {
        expect(response.status).toBe(200);
        await response.body?.cancel();
      }
    }
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get("retry-after")).toBe("60");
    const read = await call(request("GET", "/v1/users/me", { token: accessToken }));
    expect(read.status).toBe(200);
  });
});
