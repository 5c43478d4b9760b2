import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { optionalUser, requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonResponse } from "../../../../lib/openapi";
import { PageQuery } from "../../../../lib/pagination";
import { usersDb } from "../db/client";
import { followDeps } from "../deps";
import { follow, listFollowPage, unfollow } from "../follows";
import { profileByHandle } from "../profiles";
import { HandleParam, Profile, UserPage } from "../schemas";

const followListRoute = (direction: "followers" | "following") =>
  createRoute({
    method: "get",
    path: `/{handle}/${direction}`,
    tags: ["follows"],
    summary: direction === "followers" ? "Who follows this user" : "Whom this user follows",
    request: { params: HandleParam, query: PageQuery },
    responses: { 200: jsonResponse(UserPage, "A page of users, newest first"), ...errorResponses(400, 404) },
  });

export const profileRoutes = createRouter<UsersEnv>()
  .openapi(
    createRoute({
      method: "get",
      path: "/{handle}",
      tags: ["users"],
      summary: "A user's public profile",
      security: [...BEARER, {}],
      middleware: [optionalUser()] as const,
      request: { params: HandleParam },
      responses: { 200: jsonResponse(Profile, "The profile"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const profile = await profileByHandle(
        usersDb(c.env.DB),
        c.req.valid("param").handle,
        c.var.viewer?.userId ?? null,
      );
      return c.json(profile, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{handle}/follow",
      tags: ["follows"],
      summary: "Follow a user (idempotent)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: HandleParam },
      responses: { 204: { description: "Following" }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      await follow(followDeps(c), c.var.principal.userId, c.req.valid("param").handle);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{handle}/follow",
      tags: ["follows"],
      summary: "Stop following a user (idempotent)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: HandleParam },
      responses: { 204: { description: "Not following" }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      await unfollow(followDeps(c), c.var.principal.userId, c.req.valid("param").handle);
      return c.body(null, 204);
    },
  )
  .openapi(followListRoute("followers"), async (c) => {
    const { handle } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listFollowPage(usersDb(c.env.DB), handle, "followers", limit, cursor), 200);
  })
  .openapi(followListRoute("following"), async (c) => {
    const { handle } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listFollowPage(usersDb(c.env.DB), handle, "following", limit, cursor), 200);
  });
