import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FORWARDED_HEADER, Forwarded } from "../../../lib/service";
import { request } from "../../../lib/testing/http";
import { createGatewayApp } from "../src/app";

// These tests put a recording service behind the gateway to see exactly what it passes on;
// e2e.test.ts covers the same path with the real services.
function recordingService(answer: () => Response = () => Response.json({ ok: true })) {
  const calls: { request: Request; forwarded: Forwarded }[] = [];
  return {
    calls,
    async ping(): Promise<"ok"> {
      return "ok";
    },
    async fetch(req: Request) {
      const header = req.headers.get(FORWARDED_HEADER);
      if (header === null) throw new Error("the gateway sent no forwarded header");
      calls.push({ request: req, forwarded: Forwarded.parse(JSON.parse(header)) });
      return answer();
    },
    async openApi() {
      return {};
    },
  };
}

/** The one call a recording service saw. */
function onlyCall(calls: { forwarded: Forwarded }[]): Forwarded {
  expect(calls).toHaveLength(1);
  const [first] = calls;
  if (!first) throw new Error("no call");
  return first.forwarded;
}

async function through(gatewayEnv: GatewayEnv, req: Request) {
  const ctx = createExecutionContext();
  const response = await createGatewayApp().fetch(req, gatewayEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("what the gateway passes to a service", () => {
  it("continues the caller's trace with a span of its own, and passes the request id and address", async () => {
    const users = recordingService();
    const incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const response = await through(
      { ...env, USERS: users } as unknown as GatewayEnv,
      request("GET", "/v1/users/someone", {
        headers: { traceparent: incoming, "cf-connecting-ip": "203.0.113.9" },
      }),
    );
    expect(response.status).toBe(200);
    const forwarded = onlyCall(users.calls);
    expect(forwarded.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(forwarded.traceparent).not.toContain("b7ad6b7169203331");
    expect(forwarded.requestId).toBe(response.headers.get("x-request-id"));
    expect(forwarded.clientIp).toBe("203.0.113.9");
    expect(forwarded.identity).toEqual({ status: "anonymous" });
  });

  it("starts a trace when the caller's traceparent is missing or malformed", async () => {
    const users = recordingService();
    await through(
      { ...env, USERS: users } as unknown as GatewayEnv,
      request("GET", "/v1/users/someone", { headers: { traceparent: "00-zzzz-nope-01" } }),
    );
    const forwarded = onlyCall(users.calls);
    expect(forwarded.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it("passes a refused token's reason instead of failing the request itself", async () => {
    const users = recordingService();
    await through(
      { ...env, USERS: users } as unknown as GatewayEnv,
      request("GET", "/v1/users/someone", { token: "not.a.jwt" }),
    );
    const forwarded = onlyCall(users.calls);
    expect(forwarded.identity).toEqual({ status: "rejected", message: "the access token is not valid" });
  });
});

describe("GET /health when a service is down", () => {
  it("answers 503 naming it", async () => {
    const failing = {
      ...recordingService(),
      async ping(): Promise<"ok"> {
        throw new Error("database unreachable");
      },
    };
    const response = await through(
      { ...env, USERS: failing } as unknown as GatewayEnv,
      request("GET", "/health"),
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "degraded",
      services: {
        auth: "ok",
        users: "unavailable",
        sessions: "ok",
        posts: "ok",
        media: "ok",
        feed: "ok",
        messaging: "ok",
        notifications: "ok",
        calls: "ok",
      },
    });
  });
});
