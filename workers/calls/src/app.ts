import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";
import { callRoutes } from "./routes/calls";
import { liveRoutes } from "./routes/live";
import { sfuRoutes } from "./routes/sfu";

/** The calls service's HTTP API: video calls under /v1/calls. */
export function createCallsApp() {
  const app = createApp<CallsEnv>({
    service: "calls",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
    // SDP offers for many tracks are the largest bodies here.
    maxBodyBytes: 128 * 1024,
  });
  app.route("/v1/calls", callRoutes);
  app.route("/v1/calls", liveRoutes);
  app.route("/v1/calls", sfuRoutes);
  return app;
}
