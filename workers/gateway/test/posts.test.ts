import { describe, expect, it } from "vitest";
import { request, unique, uniqueIp } from "../../../lib/testing/http";
import { call } from "./worker";

async function register() {
  const handle = unique("p").toLowerCase();
  const response = await call(
    request("POST", "/v1/auth/register", {
      headers: { "cf-connecting-ip": uniqueIp() },
      body: { email: `${handle}@example.com`, password: "correct horse battery", handle },
    }),
  );
  return { handle, ...((await response.json()) as { accessToken: string; user: { id: string } }) };
}

describe("social content through the gateway", () => {
  it("routes posts, comments and a user's posts to the posts service, and profiles to users", async () => {
    const ada = await register();
    const created = await call(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "first post" } }),
    );
    expect(created.status).toBe(201);
    const post = (await created.json()) as { id: string };
    const comment = await call(
      request("POST", `/v1/posts/${post.id}/comments`, {
        token: ada.accessToken,
        body: { text: "and a comment" },
      }),
    );
    expect(comment.status).toBe(201);
    const { id: commentId } = (await comment.json()) as { id: string };

    const timeline = await call(request("GET", `/v1/users/${ada.handle}/posts`));
    expect(timeline.status).toBe(200);
    expect(((await timeline.json()) as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([
      post.id,
    ]);
    const profile = await call(request("GET", `/v1/users/${ada.handle}`));
    expect(await profile.json()).toMatchObject({ handle: ada.handle });

    expect(
      (await call(request("DELETE", `/v1/comments/${commentId}`, { token: ada.accessToken }))).status,
    ).toBe(204);
  });
});

describe("the home feed through the gateway", () => {
  it("follow -> post -> the event reaches the follower's timeline -> GET /v1/feed shows it", async () => {
    const [ada, bob] = [await register(), await register()];
    expect(
      (await call(request("PUT", `/v1/users/${ada.handle}/follow`, { token: bob.accessToken }))).status,
    ).toBe(204);
    const created = await call(
      request("POST", "/v1/posts", { token: ada.accessToken, body: { text: "for my followers" } }),
    );
    const { id } = (await created.json()) as { id: string };

    let ids: string[] = [];
    for (let attempt = 0; attempt < 50 && !ids.includes(id); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const feed = await call(request("GET", "/v1/feed?order=latest", { token: bob.accessToken }));
      expect(feed.status).toBe(200);
      ids = ((await feed.json()) as { items: { id: string }[] }).items.map((post) => post.id);
    }
    expect(ids).toContain(id);
  });
});
