import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";

/** The notifications service's HTTP API. */
export function createNotificationsApp() {
  const app = createApp<NotificationsEnv>({
    service: "notifications",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  return app;
}
