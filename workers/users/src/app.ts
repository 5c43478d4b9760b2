import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { meRoutes } from "./routes/me";
import { profileRoutes } from "./routes/profiles";

/** The users service's HTTP API: profiles and the follow graph, under /v1/users. */
export function createUsersApp() {
  const app = createApp<UsersEnv>({
    service: "users",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  // /me first: "me" is too short to be a handle, but the order keeps that obvious.
  app.route("/v1/users", meRoutes);
  app.route("/v1/users", profileRoutes);
  return app;
}
