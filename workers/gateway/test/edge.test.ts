import { describe, expect, it } from "vitest";
import { errorOf, request } from "../../../lib/testing/http";
import { call } from "./worker";

describe("request ids", () => {
  it("are made when the client sends none, and returned", async () => {
    const response = await call(request("GET", "/health"));
    expect(response.headers.get("x-request-id")).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it("are kept when the client sends a valid one, also on errors and forwarded routes", async () => {
    const id = "client-chosen-id-1234";
    const notFound = await call(request("GET", "/nope", { headers: { "x-request-id": id } }));
    expect(notFound.headers.get("x-request-id")).toBe(id);
    expect((await errorOf(notFound)).requestId).toBe(id);
    const forwarded = await call(
      request("GET", "/v1/users/nobody_here", { headers: { "x-request-id": id } }),
    );
    expect(forwarded.status).toBe(404);
    expect((await errorOf(forwarded)).requestId).toBe(id);
  });

  it("are replaced when the client's is not a valid id", async () => {
    const response = await call(
      request("GET", "/health", { headers: { "x-request-id": "bad id with spaces" } }),
    );
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("unknown routes", () => {
  it("get 404 with the standard error body", async () => {
    const response = await call(request("GET", "/v2/whatever"));
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: "not_found" });
  });
});

describe("CORS", () => {
  it("answers a preflight from an allowed origin", async () => {
    const response = await call(
      request("OPTIONS", "/v1/users/me", {
        headers: {
          origin: "http://localhost:5173",
          "access-control-request-method": "PATCH",
          "access-control-request-headers": "authorization,content-type",
        },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(response.headers.get("access-control-allow-methods")).toContain("PATCH");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("does not allow an origin outside the list", async () => {
    const response = await call(request("GET", "/health", { headers: { origin: "https://evil.example" } }));
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("exposes the request id to allowed origins", async () => {
    const response = await call(request("GET", "/health", { headers: { origin: "http://localhost:5173" } }));
    expect(response.headers.get("access-control-expose-headers")).toContain("x-request-id");
  });
});

describe("GET /health", () => {
  it("is ok when every service answers its RPC ping", async () => {
    const response = await call(request("GET", "/health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      services: {
        auth: "ok",
        users: "ok",
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

describe("GET /openapi.json", () => {
  it("describes every public route of every service in one OpenAPI 3.1 document", async () => {
    const response = await call(request("GET", "/openapi.json"));
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/health",
        "/.well-known/jwks.json",
        "/v1/auth/register",
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
        "/v1/auth/sessions",
        "/v1/auth/sessions/{id}",
        "/v1/auth/password",
        "/v1/users/me",
        "/v1/users/{handle}",
        "/v1/users/{handle}/follow",
        "/v1/users/{handle}/followers",
        "/v1/users/{handle}/following",
        "/v1/sessions",
        "/v1/sessions/{id}",
        "/v1/sessions/{id}/tickets",
        "/v1/sessions/{id}/ws",
        "/v1/sessions/{id}/messages",
        "/v1/posts",
        "/v1/posts/{id}",
        "/v1/users/{handle}/posts",
        "/v1/media",
        "/v1/media/{id}/content",
        "/v1/feed",
        "/v1/conversations",
        "/v1/conversations/{id}/members",
        "/v1/conversations/{id}/tickets",
        "/v1/conversations/{id}/ws",
        "/v1/conversations/{id}/messages",
        "/v1/me/tickets",
        "/v1/me/ws",
        "/v1/notifications",
        "/v1/notifications/read",
        "/v1/notifications/preferences",
        "/v1/push/subscriptions",
        "/v1/push/expo-tokens",
        "/v1/calls",
        "/v1/calls/{id}",
        "/v1/calls/{id}/tickets",
        "/v1/calls/{id}/ws",
        "/v1/calls/{id}/ice-servers",
      ]),
    );
    expect(Object.keys(doc.paths["/v1/users/me"] ?? {}).sort()).toEqual(["get", "patch"]);
    expect(doc.components.schemas).toHaveProperty("Error");
    expect(doc.components.schemas).toHaveProperty("Registration");
    expect(doc.components.securitySchemes).toHaveProperty("bearerAuth");
    expect(doc.paths["/v1/users/me"]?.get?.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe("GET /docs", () => {
  it("serves the API reference page, loading Scalar from our own assets", async () => {
    const response = await call(request("GET", "/docs"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("/vendor/scalar/standalone.js");
    expect(html).toContain("/openapi.json");
  });
});
