import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { PageQuery } from "../../../../lib/pagination";
import { addComment, listComments, removeComment } from "../comments";
import { eventContext, postsDeps } from "../deps";
import { Comment, CommentIdParam, CommentPage, NewComment, PostIdParam } from "../schemas";

export const commentRoutes = createRouter<PostsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/posts/{id}/comments",
      tags: ["posts"],
      summary: "Comment on a post",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: PostIdParam, body: jsonBody(NewComment) },
      responses: { 201: jsonResponse(Comment, "The comment"), ...errorResponses(400, 401, 404, 415) },
    }),
    async (c) => {
      const comment = await addComment(
        postsDeps(c.env, c.executionCtx),
        eventContext(c),
        c.req.valid("param").id,
        c.req.valid("json").text,
      );
      return c.json(comment, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/posts/{id}/comments",
      tags: ["posts"],
      summary: "A post's comments, oldest first",
      request: { params: PostIdParam, query: PageQuery },
      responses: { 200: jsonResponse(CommentPage, "A page of comments"), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listComments(postsDeps(c.env), c.req.valid("param").id, limit, cursor), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/comments/{id}",
      tags: ["posts"],
      summary: "Delete a comment (its author or the post's author)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: CommentIdParam },
      responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await removeComment(postsDeps(c.env), c.var.principal.userId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
