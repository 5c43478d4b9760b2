import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf, request } from "../../../lib/testing/http";
import { newAccount, worker } from "./worker";

const call = (req: Request) => worker.default.fetch(req);

describe("GET /v1/users/me", () => {
  it("returns my profile", async () => {
    const me = await newAccount({ displayName: "Ada Lovelace" });
    const response = await call(request("GET", "/v1/users/me", { token: me.accessToken }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: me.user.id,
      handle: me.handle,
      displayName: "Ada Lovelace",
      bio: "",
      avatarUrl: null,
      followers: 0,
      following: 0,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("refuses anonymous callers with 401", async () => {
    const response = await call(request("GET", "/v1/users/me"));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("PATCH /v1/users/me", () => {
  it("changes the given fields, stores them and leaves the others", async () => {
    const me = await newAccount();
    const response = await call(
      request("PATCH", "/v1/users/me", {
        token: me.accessToken,
        body: { bio: "Analyst.", avatarUrl: "https://cdn.example.com/ada.png" },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      bio: "Analyst.",
      avatarUrl: "https://cdn.example.com/ada.png",
      displayName: me.user.displayName,
    });
    const row = await env.DB.prepare("SELECT bio, avatar_url, display_name FROM profiles WHERE id = ?")
      .bind(me.user.id)
      .first();
    expect(row).toEqual({
      bio: "Analyst.",
      avatar_url: "https://cdn.example.com/ada.png",
      display_name: me.handle,
    });
  });

  it("removes the avatar with null", async () => {
    const me = await newAccount();
    await call(
      request("PATCH", "/v1/users/me", {
        token: me.accessToken,
        body: { avatarUrl: "https://x.example/a.png" },
      }),
    );
    const response = await call(
      request("PATCH", "/v1/users/me", { token: me.accessToken, body: { avatarUrl: null } }),
    );
    expect(((await response.json()) as { avatarUrl: unknown }).avatarUrl).toBeNull();
  });

  it.each([
    ["a bio over 280 characters", { bio: "x".repeat(281) }, "body.bio"],
    ["an empty display name", { displayName: "  " }, "body.displayName"],
    ["a display name of invisible characters", { displayName: "\u2800\u200b" }, "body.displayName"],
    ["a display name with a line break", { displayName: "Ada\nLovelace" }, "body.displayName"],
    ["a bio with a NUL character", { bio: "hello\u0000" }, "body.bio"],
    ["an avatar that is not an http(s) URL", { avatarUrl: "javascript:alert(1)" }, "body.avatarUrl"],
    ["an avatar URL with a space", { avatarUrl: "https://x.example/my avatar.png" }, "body.avatarUrl"],
    ["an unknown field", { handle: "new_handle" }, "body.handle"],
    ["nothing to change", {}, "body"],
  ])("refuses %s with 400, changing nothing", async (_name, body, path) => {
    const me = await newAccount();
    const before = await env.DB.prepare("SELECT * FROM profiles WHERE id = ?").bind(me.user.id).first();
    const response = await call(request("PATCH", "/v1/users/me", { token: me.accessToken, body }));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.map((d) => d.path)).toContain(path);
    expect(await env.DB.prepare("SELECT * FROM profiles WHERE id = ?").bind(me.user.id).first()).toEqual(
      before,
    );
  });
});

describe("GET /v1/users/:handle", () => {
  it("shows the profile to anyone, without followedByMe when anonymous", async () => {
    const ada = await newAccount();
    const response = await call(request("GET", `/v1/users/${ada.handle}`));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: ada.user.id, handle: ada.handle, followers: 0, following: 0 });
    expect(body).not.toHaveProperty("followedByMe");
  });

  it("says whether a signed-in caller follows the user", async () => {
    const ada = await newAccount();
    const bob = await newAccount();
    const before = await call(request("GET", `/v1/users/${ada.handle}`, { token: bob.accessToken }));
    expect(((await before.json()) as { followedByMe: boolean }).followedByMe).toBe(false);
    await call(request("PUT", `/v1/users/${ada.handle}/follow`, { token: bob.accessToken }));
    const after = await call(request("GET", `/v1/users/${ada.handle}`, { token: bob.accessToken }));
    expect(await after.json()).toMatchObject({ followedByMe: true, followers: 1 });
  });

  it("answers 404 for an unknown handle and 400 for an impossible one", async () => {
    expect((await call(request("GET", "/v1/users/nobody_here_123"))).status).toBe(404);
    const bad = await call(request("GET", "/v1/users/UPPER-case"));
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).details?.[0]?.path).toBe("path.handle");
  });
});
