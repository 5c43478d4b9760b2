import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { optionalUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonResponse } from "../../../../lib/openapi";
import { PageQuery } from "../../../../lib/pagination";
import { postsDeps } from "../deps";
import { userTimeline } from "../posts";
import { HandleParam, PostPage } from "../schemas";

export const timelineRoutes = createRouter<PostsEnv>().openapi(
  createRoute({
    method: "get",
    path: "/users/{handle}/posts",
    tags: ["posts"],
    summary: "A user's posts and shares, newest first",
    security: [...BEARER, {}],
    middleware: [optionalUser()] as const,
    request: { params: HandleParam, query: PageQuery },
    responses: { 200: jsonResponse(PostPage, "A page of posts"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await userTimeline(
      postsDeps(c.env),
      c.req.valid("param").handle,
      c.var.viewer?.userId ?? null,
      limit,
      cursor,
    );
    return c.json(page, 200);
  },
);
