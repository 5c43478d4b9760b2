import { describe, expect, it } from "vitest";
import { createSession, join, newAccount } from "./worker";

describe("smoke", () => {
  it("two people join and chat", async () => {
    const host = await newAccount();
    const guest = await newAccount();
    const session = await createSession(host);
    const a = await join(host, session);
    const b = await join(guest, session);
    await a.next("presence");
    b.send({ type: "chat", text: "hello", nonce: "n1" });
    const chat = await a.next<{ type: "chat"; message: { text: string } }>("chat");
    expect(chat.message.text).toBe("hello");
    a.close();
    b.close();
  });
});
