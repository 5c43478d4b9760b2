import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { login, register, type SignedIn as SignedInResult } from "../accounts";
import { clientInfo, requestDeps } from "../deps";
import { Login, Registration, SignedIn } from "../schemas";

/** The response body: the session id stays inside the tokens. */
function signedInBody({ user, accessToken, refreshToken, expiresIn }: SignedInResult) {
  return { user, accessToken, refreshToken, expiresIn };
}

export const accountRoutes = createRouter<AuthEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags: ["auth"],
      summary: "Create an account and sign in",
      request: { body: jsonBody(Registration) },
      responses: {
        201: jsonResponse(SignedIn, "The new account, signed in"),
        ...errorResponses(400, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const signedIn = await register(await requestDeps(c), c.req.valid("json"), clientInfo(c));
      return c.json(signedInBody(signedIn), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags: ["auth"],
      summary: "Sign in with email and password",
      request: { body: jsonBody(Login) },
      responses: { 200: jsonResponse(SignedIn, "Signed in"), ...errorResponses(400, 401, 413, 415, 429) },
    }),
    async (c) => {
      const signedIn = await login(await requestDeps(c), c.req.valid("json"), clientInfo(c));
      return c.json(signedInBody(signedIn), 200);
    },
  );
