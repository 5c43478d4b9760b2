import { describe, expect, it } from "vitest";
import { errorOf } from "../../../lib/testing/http";
import { openSocket } from "../../../lib/testing/sockets";
import { connect, newAccount, worker } from "./worker";

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

// Under the Hibernation API the object must answer a client's Close frame itself (lib/realtime):
// otherwise the client waits in CLOSING until its own timeout and reports 1006.
describe("a client that closes its socket", () => {
  it("gets the close answered at once, with its own code", async () => {
    const ada = await newAccount();
    const socket = await connect(ada);
    const started = Date.now();
    socket.ws.close(4000, "bye");
    const closed = await socket.whenClosed(3000);
    expect(closed.code).toBe(4000);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
