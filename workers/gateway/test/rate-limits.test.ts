import { describe, expect, it } from "vitest";
import { errorOf, request, unique, uniqueIp } from "../../../lib/testing/http";
import { call } from "./worker";

describe("rate limits", () => {
  it("when one address calls the auth endpoints too often, then it gets 429 with retry-after", async () => {
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const response = await call(
        request("POST", "/v1/auth/login", {
          headers: { "cf-connecting-ip": ip },
          body: { email: `${unique("rl")}@example.com`, password: "not the password" },
        }),
      );
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get("retry-after")).toBe("60");
        expect(await errorOf(response)).toMatchObject({ code: "rate_limited" });
      } else {
        await response.body?.cancel();
      }
    }
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);

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
    for (let i = 0; i < 125 && !limited; i++) {
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
