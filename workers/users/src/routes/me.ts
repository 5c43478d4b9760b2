import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { usersDb } from "../db/client";
import { changeOwnProfile, ownProfile } from "../profiles";
import { Profile, UpdateProfile } from "../schemas";

export const meRoutes = createRouter<UsersEnv>()
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["users"],
      summary: "My profile",
      security: BEARER,
      middleware: [requireUser()] as const,
      responses: { 200: jsonResponse(Profile, "My profile"), ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await ownProfile(usersDb(c.env.DB), c.var.principal.userId), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      tags: ["users"],
      summary: "Change my display name, bio or avatar",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(UpdateProfile) },
      responses: { 200: jsonResponse(Profile, "My profile, changed"), ...errorResponses(400, 401, 404, 415) },
    }),
    async (c) => {
      const profile = await changeOwnProfile(usersDb(c.env.DB), c.var.principal.userId, c.req.valid("json"));
      return c.json(profile, 200);
    },
  );
