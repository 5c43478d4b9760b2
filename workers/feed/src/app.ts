import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { feedRoutes } from "./routes/feed";

/** The feed service's HTTP API: the caller's home feed under /v1/feed. */
export function createFeedApp() {
  const app = createApp<FeedEnv>({
    service: "feed",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  app.route("/v1", feedRoutes);
  return app;
}
