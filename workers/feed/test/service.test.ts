import { describe, expect, it } from "vitest";
import { forwardedRequest } from "../../../lib/service";
import { request } from "../../../lib/testing/http";
import { eventually, feedIds, newAccounts, newPost, worker } from "./worker";

describe("FeedService (the gateway's entrypoint)", () => {
  it("answers ping and describes GET /v1/feed in its OpenAPI document", async () => {
    expect(await worker.FeedService.ping()).toBe("ok");
    const doc = (await worker.FeedService.openApi()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(["/v1/feed"]);
  });

  it("serves the feed of the caller the gateway authenticated, without a token of its own", async () => {
    const [ada] = await newAccounts(1);
    const post = await newPost(ada, "through the gateway");
    await eventually(async () => expect(await feedIds(ada)).toEqual([post.id]));

    const forwarded = forwardedRequest(request("GET", "/v1/feed?order=latest"), {
      requestId: "req_gateway",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      clientIp: "10.0.0.1",
      identity: { status: "authenticated", principal: { userId: ada.user.id, sessionId: "ses_x" } },
    });
    const response = await worker.FeedService.fetch(forwarded);

    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req_gateway");
    const body = (await response.json()) as { items: { id: string }[] };
    expect(body.items.map((item) => item.id)).toEqual([post.id]);
  });
});
