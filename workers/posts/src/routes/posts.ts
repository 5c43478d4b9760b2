import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { optionalUser, requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { eventContext, postsDeps } from "../deps";
import { createPost, deletePost, editPost, getPost, likePost, sharePost, unlikePost } from "../posts";
import { NewPost, NewShare, Post, PostEdit, PostIdParam } from "../schemas";

export const postRoutes = createRouter<PostsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/posts",
      tags: ["posts"],
      summary: "Publish a post",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(NewPost) },
      responses: { 201: jsonResponse(Post, "The post"), ...errorResponses(400, 401, 415) },
    }),
    async (c) =>
      c.json(await createPost(postsDeps(c.env, c.executionCtx), eventContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/posts/{id}",
      tags: ["posts"],
      summary: "A post",
      security: [...BEARER, {}],
      middleware: [optionalUser()] as const,
      request: { params: PostIdParam },
      responses: { 200: jsonResponse(Post, "The post"), ...errorResponses(400, 401, 404) },
    }),
    async (c) =>
      c.json(await getPost(postsDeps(c.env), c.req.valid("param").id, c.var.viewer?.userId ?? null), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/posts/{id}",
      tags: ["posts"],
      summary: "Edit my post's text",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: PostIdParam, body: jsonBody(PostEdit) },
      responses: { 200: jsonResponse(Post, "The edited post"), ...errorResponses(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const post = await editPost(
        postsDeps(c.env),
        c.var.principal.userId,
        c.req.valid("param").id,
        c.req.valid("json").text,
      );
      return c.json(post, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/posts/{id}",
      tags: ["posts"],
      summary: "Delete my post (with its comments and likes)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: PostIdParam },
      responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await deletePost(postsDeps(c.env, c.executionCtx), eventContext(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/posts/{id}/shares",
      tags: ["posts"],
      summary: "Share a post, optionally quoting it",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: PostIdParam, body: jsonBody(NewShare) },
      responses: { 201: jsonResponse(Post, "The share"), ...errorResponses(400, 401, 404, 415) },
    }),
    async (c) => {
      const share = await sharePost(
        postsDeps(c.env, c.executionCtx),
        eventContext(c),
        c.req.valid("param").id,
        c.req.valid("json").text,
      );
      return c.json(share, 201);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/posts/{id}/like",
      tags: ["posts"],
      summary: "Like a post (idempotent)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: PostIdParam },
      responses: { 204: { description: "Liked" }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      await likePost(postsDeps(c.env, c.executionCtx), eventContext(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/posts/{id}/like",
      tags: ["posts"],
      summary: "Take back a like (idempotent)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: PostIdParam },
      responses: { 204: { description: "Not liked" }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      await unlikePost(postsDeps(c.env), c.var.principal.userId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
