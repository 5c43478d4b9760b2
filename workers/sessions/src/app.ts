import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { inviteRoutes } from "./routes/invites";
import { liveRoutes } from "./routes/live";
import { sessionRoutes } from "./routes/sessions";

/** The sessions service's HTTP API: watch parties under /v1/sessions. */
export function createSessionsApp() {
  const app = createApp<SessionsEnv>({
    service: "sessions",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  app.route("/v1/sessions", sessionRoutes);
  app.route("/v1/sessions", liveRoutes);
  app.route("/v1/sessions", inviteRoutes);
  return app;
}
