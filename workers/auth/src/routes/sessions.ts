import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { changePassword } from "../accounts";
import { requestDeps } from "../deps";
import { PasswordChange, SessionIdParam, SessionList } from "../schemas";
import { listSessions, revokeOwnSession } from "../sessions";

export const sessionRoutes = createRouter<AuthEnv>()
  .openapi(
    createRoute({
      method: "get",
      path: "/sessions",
      tags: ["auth"],
      summary: "My live sessions, the current one marked",
      security: BEARER,
      middleware: [requireUser()] as const,
      responses: { 200: jsonResponse(SessionList, "Sessions, newest first"), ...errorResponses(401) },
    }),
    async (c) => {
      const { userId, sessionId } = c.var.principal;
      return c.json({ items: await listSessions(await requestDeps(c), userId, sessionId) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/sessions/{id}",
      tags: ["auth"],
      summary: "Sign out one of my sessions",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: SessionIdParam },
      responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      await revokeOwnSession(await requestDeps(c), c.var.principal.userId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/password",
      tags: ["auth"],
      summary: "Change my password (signs out my other sessions)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(PasswordChange) },
      responses: { 204: { description: "Changed" }, ...errorResponses(400, 401, 403, 415) },
    }),
    async (c) => {
      const { userId, sessionId } = c.var.principal;
      await changePassword(
        await requestDeps(c, { afterResponse: true }),
        userId,
        sessionId,
        c.req.valid("json"),
        c.get("traceparent"),
      );
      return c.body(null, 204);
    },
  );
