import { describe, expect, it } from "vitest";
import { worker } from "./worker";

describe("NotificationsService", () => {
  it("answers the gateway's health ping once its database answers", async () => {
    expect(await worker.NotificationsService.ping()).toBe("ok");
  });

  it("hands the gateway an OpenAPI document with every route", async () => {
    const doc = (await worker.NotificationsService.openApi()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/v1/me/tickets",
        "/v1/me/ws",
        "/v1/notifications",
        "/v1/notifications/preferences",
        "/v1/notifications/read",
        "/v1/push/expo-tokens",
        "/v1/push/expo-tokens/{token}",
        "/v1/push/subscriptions",
        "/v1/push/subscriptions/{id}",
        "/v1/push/vapid-public-key",
      ].sort(),
    );
  });
});
