import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";

/**
 * The queue this Worker's NOTIFICATION_EVENTS points at in tests: the event sink reads it, so tests
 * see exactly what messaging publishes (the real notifications neighbour keeps its own queue).
 */
const TEST_EVENTS_QUEUE = "plaza-messaging-test-events";

export default defineConfig(() =>
  workerTestConfig({
    service: "messaging",
    neighbours: ["auth", "users", "notifications"],
    databases: ["messaging", "auth", "users", "notifications"],
    http: { AUTH_HTTP: "auth", NOTIFICATIONS_HTTP: "notifications" },
    sinkQueues: [TEST_EVENTS_QUEUE],
    bindings: { TEST_EVENTS_QUEUE },
    miniflare: { queueProducers: { NOTIFICATION_EVENTS: { queueName: TEST_EVENTS_QUEUE } } },
    test: { include: ["test/**/*.test.ts"], testTimeout: 20_000 },
  }),
);
