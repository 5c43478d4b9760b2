import { createRoute } from "@hono/zod-openapi";
import { createApp } from "../../../lib/app";
import { jsonResponse } from "../../../lib/openapi";
import { SESSIONS_ENDED_HEADER } from "../../../lib/service";
import { endedSessions, localAuthenticator } from "./deps";
import { accountRoutes } from "./routes/accounts";
import { sessionRoutes } from "./routes/sessions";
import { tokenRoutes } from "./routes/tokens";
import { Jwks } from "./schemas";
import { signingKeys } from "./signing-keys";

/** The auth service's HTTP API: accounts, tokens and sessions under /v1/auth, and the JWKS. */
export function createAuthApp() {
  const app = createApp<AuthEnv>({ service: "auth", authenticator: localAuthenticator });
  app.use(async function reportEndedSessions(c, next) {
    await next();
    if (endedSessions(c.req.raw)) c.header(SESSIONS_ENDED_HEADER, "1");
  });
  app.route("/v1/auth", accountRoutes);
  app.route("/v1/auth", tokenRoutes);
  app.route("/v1/auth", sessionRoutes);
  app.openapi(
    createRoute({
      method: "get",
      path: "/.well-known/jwks.json",
      tags: ["auth"],
      summary: "The public keys that verify access tokens",
      responses: { 200: jsonResponse(Jwks, "JSON Web Key Set") },
    }),
    async (c) => {
      c.header("cache-control", "public, max-age=300");
      return c.json(await (await signingKeys(c.env.SIGNING_KEYS)).jwks(), 200);
    },
  );
  return app;
}
