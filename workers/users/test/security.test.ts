import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokedSessionKey } from "../../../lib/auth/claims";
import { FORWARDED_HEADER, type Forwarded, forwardedRequest, type Identity } from "../../../lib/service";
import { errorOf, request } from "../../../lib/testing/http";
import { badTokenCases, decodeJwt } from "../../../lib/testing/tokens";
import { newAccount, worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);
const forwarded = (identity: Identity): Forwarded => ({
  requestId: "req_test_forwarded_1",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  clientIp: "10.0.0.1",
  identity,
});

describe("direct requests check tokens themselves", () => {
  it.each(badTokenCases(env.TEST_SIGNING_JWK))("and refuse a %s token", async (_name, make) => {
    const me = await newAccount();
    const response = await call(
      request("PATCH", "/v1/users/me", { token: await make(me.accessToken), body: { bio: "x" } }),
    );
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthorized");
    const row = await env.DB.prepare("SELECT bio FROM profiles WHERE id = ?").bind(me.user.id).first();
    expect(row).toEqual({ bio: "" });
  });

  it("and refuse a token of a revoked session (the KV entry the auth service writes)", async () => {
    const me = await newAccount();
    await env.REVOKED_SESSIONS.put(
      revokedSessionKey(decodeJwt(me.accessToken).payload.sid as string),
      "logout",
    );
    expect((await call(request("GET", "/v1/users/me", { token: me.accessToken }))).status).toBe(401);
  });

  it("and ignore identity headers a client could set", async () => {
    const victim = await newAccount();
    const response = await call(
      request("PATCH", "/v1/users/me", {
        body: { bio: "pwned" },
        headers: { "x-user-id": victim.user.id, "x-forwarded-user": victim.user.id },
      }),
    );
    expect(response.status).toBe(401);
  });
});

describe("requests the gateway forwards over RPC", () => {
  it("carry the caller the gateway verified; the token is not checked again", async () => {
    const me = await newAccount();
    const principal = { userId: me.user.id, sessionId: decodeJwt(me.accessToken).payload.sid as string };
    // A garbage header proves the service does not look at the token on this path.
    const response = await worker.UsersService.fetch(
      forwardedRequest(
        request("GET", "/v1/users/me", { headers: { authorization: "Bearer garbage" } }),
        forwarded({ status: "authenticated", principal }),
      ),
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe(me.user.id);
    expect(response.headers.get("x-request-id")).toBe("req_test_forwarded_1");
  });

  it("are refused on signed-in routes when the gateway rejected the token, with its reason", async () => {
    const response = await worker.UsersService.fetch(
      forwardedRequest(
        request("GET", "/v1/users/me"),
        forwarded({ status: "rejected", message: "the access token has expired" }),
      ),
    );
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toBe("the access token has expired");
  });

  it("are anonymous when no token came", async () => {
    const ada = await newAccount();
    const response = await worker.UsersService.fetch(
      forwardedRequest(request("GET", `/v1/users/${ada.handle}`), forwarded({ status: "anonymous" })),
    );
    expect(response.status).toBe(200);
  });
});

describe("the forwarded header", () => {
  it("is ignored on the public fetch, where a client could have set it", async () => {
    const victim = await newAccount();
    const principal = {
      userId: victim.user.id,
      sessionId: decodeJwt(victim.accessToken).payload.sid as string,
    };
    const forged = forwardedRequest(
      request("GET", "/v1/users/me"),
      forwarded({ status: "authenticated", principal }),
    );
    const response = await call(forged);
    expect(response.status).toBe(401);
  });

  it("is refused with 400 when it is not what the gateway sends", async () => {
    const response = await worker.UsersService.fetch(
      request("GET", "/v1/users/me", { headers: { [FORWARDED_HEADER]: '{"identity":{"status":"root"}}' } }),
    );
    expect(response.status).toBe(400);
  });
});

describe("a user's changes (IDOR)", () => {
  it("only ever touch the caller's own profile", async () => {
    const alice = await newAccount();
    const mallory = await newAccount();
    await call(request("PATCH", "/v1/users/me", { token: mallory.accessToken, body: { bio: "mine" } }));
    const row = await env.DB.prepare("SELECT bio FROM profiles WHERE id = ?").bind(alice.user.id).first();
    expect(row).toEqual({ bio: "" });
  });
});
