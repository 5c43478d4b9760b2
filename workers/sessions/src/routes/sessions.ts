import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { optionalUser, requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { PageQuery } from "../../../../lib/pagination";
import { sessionDeps } from "../deps";
import {
  CreatedSession,
  InviteQuery,
  NewSession,
  SessionDetail,
  SessionIdParam,
  SessionPage,
} from "../schemas";
import { createSession, endSession, listSessions, sessionDetail, visibleSession } from "../sessions";

export const sessionRoutes = createRouter<SessionsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["watch parties"],
      summary: "Start a watch session (private by default)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(NewSession) },
      responses: {
        201: jsonResponse(CreatedSession, "The session, with its invite code"),
        ...errorResponses(400, 401, 415),
      },
    }),
    async (c) => {
      const session = await createSession(sessionDeps(c.env), c.var.principal.userId, c.req.valid("json"));
      return c.json(session, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["watch parties"],
      summary: "Live public sessions and my own, newest first",
      security: [...BEARER, {}],
      middleware: [optionalUser()] as const,
      request: { query: PageQuery },
      responses: { 200: jsonResponse(SessionPage, "A page of sessions"), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listSessions(sessionDeps(c.env), c.var.viewer?.userId ?? null, limit, cursor), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["watch parties"],
      summary: "A session, its playback and how many are in it",
      description:
        "A private session is visible to its host and members, and to callers who give `?inviteCode=`.",
      security: [...BEARER, {}],
      middleware: [optionalUser()] as const,
      request: { params: SessionIdParam, query: InviteQuery },
      responses: { 200: jsonResponse(SessionDetail, "The session"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const deps = sessionDeps(c.env);
      const viewerId = c.var.viewer?.userId ?? null;
      const row = await visibleSession(
        deps,
        c.req.valid("param").id,
        viewerId,
        c.req.valid("query").inviteCode,
      );
      return c.json(await sessionDetail(deps, row, viewerId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["watch parties"],
      summary: "End the session for everyone (host)",
      description: "Every socket closes with code 4000, and the session leaves the live list.",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: SessionIdParam },
      responses: { 204: { description: "Ended" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await endSession(sessionDeps(c.env), c.req.valid("param").id, c.var.principal.userId);
      return c.body(null, 204);
    },
  );
