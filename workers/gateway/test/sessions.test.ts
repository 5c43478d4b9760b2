import { describe, expect, it } from "vitest";
import { request, unique, uniqueIp } from "../../../lib/testing/http";
import { openSocket } from "../../../lib/testing/sockets";
import { call, worker } from "./worker";

async function register() {
  const handle = unique("g").toLowerCase();
  const response = await call(
    request("POST", "/v1/auth/register", {
      headers: { "cf-connecting-ip": uniqueIp() },
      body: { email: `${handle}@example.com`, password: "correct horse battery", handle },
    }),
  );
  return (await response.json()) as { accessToken: string; user: { id: string } };
}

describe("watch parties through the gateway", () => {
  it("create -> ticket -> WebSocket upgrade passed to the room -> chat", async () => {
    const host = await register();
    const created = await call(
      request("POST", "/v1/sessions", {
        token: host.accessToken,
        body: { title: "Through the gateway", mediaUrl: "https://media.example.com/x.mp4" },
      }),
    );
    expect(created.status).toBe(201);
    const session = (await created.json()) as { id: string };
    const ticketResponse = await call(
      request("POST", `/v1/sessions/${session.id}/tickets`, { token: host.accessToken, body: {} }),
    );
    expect(ticketResponse.status).toBe(201);
    const { ticket } = (await ticketResponse.json()) as { ticket: string };

    const { response, socket } = await openSocket(worker.default, `/v1/sessions/${session.id}/ws`, ticket);
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBe("plaza.v1");
    if (!socket) throw new Error("no socket");
    expect(await socket.next("welcome")).toMatchObject({ you: { userId: host.user.id, role: "host" } });
    socket.send({ type: "chat", text: "hello via the edge" });
    expect(await socket.next("chat")).toMatchObject({ message: { text: "hello via the edge" } });
    socket.close();
  });

  it("refuses an upgrade without a ticket with 401 and the standard body", async () => {
    const host = await register();
    const created = await call(
      request("POST", "/v1/sessions", {
        token: host.accessToken,
        body: { title: "No ticket", mediaUrl: "https://media.example.com/x.mp4" },
      }),
    );
    const session = (await created.json()) as { id: string };
    const { response, socket } = await openSocket(worker.default, `/v1/sessions/${session.id}/ws`, null);
    expect(socket).toBeNull();
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
});
