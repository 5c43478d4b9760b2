import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";
import { FAKE_REALTIME, fakeRealtime } from "./test/fake-realtime.ts";

export default defineConfig(() =>
  workerTestConfig({
    service: "calls",
    neighbours: ["auth", "users"],
    databases: ["calls", "auth", "users"],
    http: { AUTH_HTTP: "auth" },
    sinkQueues: ["plaza-notification-events"],
    bindings: {
      // coturn-style TURN for the routes; the Cloudflare TURN key is tested on its own (ice.test.ts).
      TURN_SHARED_SECRET: "test-turn-secret",
      TURN_URLS:
        "turn:turn.plaza.test:3478?transport=udp,turns:turn.plaza.test:5349?transport=tcp,turn:turn.plaza.test:53",
      TURN_TTL_SECONDS: "3600",
      REALTIME_APP_ID: FAKE_REALTIME.appId,
      REALTIME_APP_SECRET: FAKE_REALTIME.appSecret,
      // A small mesh cap, so the full-room rule needs few accounts (the default is 6).
      MESH_MAX_MEMBERS: "3",
    },
    // Only the network is replaced: the Worker's outbound fetches reach a fake Realtime API.
    miniflare: { outboundService: fakeRealtime() },
    test: { include: ["test/**/*.test.ts"] },
  }),
);
