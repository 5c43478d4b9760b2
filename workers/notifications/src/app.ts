import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { meRoutes } from "./routes/me";
import { notificationRoutes } from "./routes/notifications";
import { pushRoutes } from "./routes/push";

/** The notifications service's HTTP API: the live channel, notifications, preferences, devices. */
export function createNotificationsApp() {
  const app = createApp<NotificationsEnv>({
    service: "notifications",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  app.route("/v1/me", meRoutes);
  app.route("/v1/notifications", notificationRoutes);
  app.route("/v1/push", pushRoutes);
  return app;
}
