import { createApp } from "../../../lib/app";
import { remoteAuthenticator } from "../../../lib/auth/authenticator";

/** The calls service's HTTP API. */
export function createCallsApp() {
  const app = createApp<CallsEnv>({
    service: "calls",
    authenticator: (env) => remoteAuthenticator(env.AUTH, env.REVOKED_SESSIONS),
  });
  return app;
}
