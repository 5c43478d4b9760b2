import { describe, expect, it } from "vitest";
import { worker } from "./worker";

describe("MessagingService", () => {
  it("answers the gateway's health ping once its database answers", async () => {
    expect(await worker.MessagingService.ping()).toBe("ok");
  });
});
