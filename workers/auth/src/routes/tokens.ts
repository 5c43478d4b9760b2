import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { requestDeps } from "../deps";
import { RefreshRequest, TokenPair } from "../schemas";
import { logout, refreshSession } from "../sessions";

export const tokenRoutes = createRouter<AuthEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags: ["auth"],
      summary: "Exchange a refresh token for a new token pair",
      description:
        "The refresh token is single-use. Presenting a used one again (after a 10 s grace for concurrent refreshes) revokes the whole session.",
      request: { body: jsonBody(RefreshRequest) },
      responses: { 200: jsonResponse(TokenPair, "A new pair"), ...errorResponses(400, 401, 415, 429) },
    }),
    async (c) => {
      const { accessToken, refreshToken, expiresIn } = await refreshSession(
        await requestDeps(c),
        c.req.valid("json").refreshToken,
      );
      return c.json({ accessToken, refreshToken, expiresIn }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags: ["auth"],
      summary: "End the session of a refresh token",
      description: "Its access tokens are refused from then on. Idempotent.",
      request: { body: jsonBody(RefreshRequest) },
      responses: { 204: { description: "Signed out" }, ...errorResponses(400, 415, 429) },
    }),
    async (c) => {
      await logout(await requestDeps(c), c.req.valid("json").refreshToken);
      return c.body(null, 204);
    },
  );
