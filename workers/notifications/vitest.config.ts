import { generateKeyPairSync } from "node:crypto";
import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../vitest.workers.ts";
import { fakeProviders } from "./test/providers.ts";

/** A VAPID key pair for this run, base64url as `web-push generate-vapid-keys` prints it. */
function vapidKeys() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-65);
  return { VAPID_PUBLIC_KEY: raw.toString("base64url"), VAPID_PRIVATE_KEY: String(jwk.d) };
}

// Real neighbours: auth (tokens, emails, password changes), users (profiles, follows, handles),
// posts (likes, comments, shares and mentions as users make them) and media (which posts needs).
// Only the outbound network is replaced: it goes to fakeProviders, which answers as the providers.
export default defineConfig(() =>
  workerTestConfig({
    service: "notifications",
    neighbours: ["auth", "users", "posts", "media"],
    databases: ["notifications", "auth", "users", "posts", "media"],
    http: { AUTH_HTTP: "auth", USERS_HTTP: "users", POSTS_HTTP: "posts" },
    sinkQueues: ["plaza-notification-events-dlq"],
    bindings: {
      ...vapidKeys(),
      VAPID_SUBJECT: "mailto:ops@plaza.example",
      RESEND_API_KEY: "re_test_key",
      EMAIL_FROM: "Plaza <notifications@plaza.example>",
      TWILIO_ACCOUNT_SID: "ACtest0000000000000000000000000000",
      TWILIO_AUTH_TOKEN: "twilio-test-token",
      TWILIO_FROM: "+15005550006",
      DIGEST_DELAY_SECONDS: "0",
      EXPO_RECEIPT_DELAY_SECONDS: "0",
    },
    miniflare: {
      outboundService: fakeProviders(),
      // The same consumer as wrangler.toml, with short batches so tests need not wait seconds.
      queueConsumers: {
        "plaza-notification-events": {
          maxBatchTimeout: 0.05,
          maxRetries: 3,
          deadLetterQueue: "plaza-notification-events-dlq",
        },
      },
    },
    test: {
      include: ["test/**/*.test.ts", "../../durable-objects/user-channel/**/*.test.ts"],
      testTimeout: 20_000,
    },
  }),
);
