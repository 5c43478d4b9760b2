import { describe, expect, it } from "vitest";
import { worker } from "./worker";

describe("CallsService", () => {
  it("answers the gateway's health ping once its database answers", async () => {
    expect(await worker.CallsService.ping()).toBe("ok");
  });
});
