import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { inviteDeps } from "../deps";
import { inviteToSession } from "../invites";
import { InviteRequest, InviteResult, SessionIdParam } from "../schemas";

export const inviteRoutes = createRouter<SessionsEnv>().openapi(
  createRoute({
    method: "post",
    path: "/{id}/invites",
    tags: ["watch parties"],
    summary: "Invite people by handle (host or member)",
    description: "Each invitee is notified, with the invite code. Unknown handles are listed in `unknown`.",
    security: BEARER,
    middleware: [requireUser()] as const,
    request: { params: SessionIdParam, body: jsonBody(InviteRequest) },
    responses: {
      200: jsonResponse(InviteResult, "Who was invited"),
      ...errorResponses(400, 401, 403, 404, 415),
    },
  }),
  async (c) => {
    const userId = c.var.principal.userId;
    const deps = inviteDeps(c.env, c.executionCtx);
    const result = await inviteToSession(deps, c.req.valid("param").id, userId, c.req.valid("json").handles, {
      actorId: userId,
      traceparent: c.get("traceparent"),
    });
    return c.json(result, 200);
  },
);
