import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { conversationRoutes } from "./routes/conversations";
import { liveRoutes } from "./routes/live";

/** The messaging service's HTTP API: conversations under /v1/conversations. */
export function createMessagingApp() {
  const app = createApp<MessagingEnv>({
    service: "messaging",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  app.route("/v1/conversations", conversationRoutes);
  app.route("/v1/conversations", liveRoutes);
  return app;
}
