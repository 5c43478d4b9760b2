import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonResponse } from "../../../../lib/openapi";
import { feedDeps } from "../deps";
import { readFeed } from "../feed";
import { FeedPage, FeedQuery } from "../schemas";

export const feedRoutes = createRouter<FeedEnv>().openapi(
  createRoute({
    method: "get",
    path: "/feed",
    tags: ["feed"],
    summary: "My home feed: my own and followed authors' posts and shares",
    description:
      "Ranked by default (recency with boosts for engagement and for authors you interact with); " +
      "`order=latest` is newest first. Page with `nextCursor`; a ranked cursor lasts 30 minutes.",
    security: BEARER,
    middleware: [requireUser()] as const,
    request: { query: FeedQuery },
    responses: { 200: jsonResponse(FeedPage, "A page of the feed"), ...errorResponses(400, 401) },
  }),
  async (c) => {
    const page = await readFeed(feedDeps(c.env), c.var.principal.userId, c.req.valid("query"));
    return c.json(page, 200);
  },
);
