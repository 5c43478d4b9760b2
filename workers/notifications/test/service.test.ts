import { describe, expect, it } from "vitest";
import { worker } from "./worker";

describe("NotificationsService", () => {
  it("answers the gateway's health ping once its database answers", async () => {
    expect(await worker.NotificationsService.ping()).toBe("ok");
  });
});
