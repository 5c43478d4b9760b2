import { describe, expect, it } from "vitest";
import { errorOf } from "../../../lib/testing/http";
import { openSocket } from "../../../lib/testing/sockets";
import { worker } from "./worker";

// The route picks the channel from the ticket before the channel checks anything: its refusals
// must be the channel's (and every other room's), whatever the ticket looks like.
describe("GET /v1/me/ws refusals before a channel is picked", () => {
  it("when plaza.v1 is not offered, then 400 even if the ticket names no one", async () => {
    const wrong = await openSocket(worker.default, "/v1/me/ws", "garbage", ["chat.v2"]);
    expect(wrong.response.status).toBe(400);
    expect((await errorOf(wrong.response)).message).toMatch(/plaza\.v1/);
    const none = await openSocket(worker.default, "/v1/me/ws", null, []);
    expect(none.response.status).toBe(400);
  });

  it("when the ticket names no one, then 401 saying the ticket is unknown (not that none was offered)", async () => {
    const { response } = await openSocket(worker.default, "/v1/me/ws", "garbage");
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toBe("the ticket is unknown, used or expired");
  });
});
