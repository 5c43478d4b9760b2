import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";

/** The messaging service's HTTP API. */
export function createMessagingApp() {
  const app = createApp<MessagingEnv>({
    service: "messaging",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  return app;
}
