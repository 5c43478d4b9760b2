import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { callDetail, createCall, endCall, iceServersForCall } from "../calls";
import { callDeps } from "../deps";
import { CallDetail, CallIdParam, CreatedCall, IceServers, InviteQuery, NewCall } from "../schemas";

export const callRoutes = createRouter<CallsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["calls"],
      summary: "Start a video call",
      description:
        "Invitees (by handle) get a call.invited event and may join without the invite code. " +
        "The answer carries ICE servers for the caller (STUN, and TURN credentials when configured).",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(NewCall) },
      responses: {
        201: jsonResponse(CreatedCall, "The call, with its invite code"),
        ...errorResponses(400, 401, 409, 415),
      },
    }),
    async (c) => {
      const deps = callDeps(c.env, c.var.traceparent, c.executionCtx);
      return c.json(await createCall(deps, c.var.principal.userId, c.req.valid("json")), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["calls"],
      summary: "A call and who is in it",
      description:
        "Visible to its host, its invitees and past members, and to callers who give `?inviteCode=`. " +
        "An ended call says how long it lasted and its most members at once.",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: CallIdParam, query: InviteQuery },
      responses: { 200: jsonResponse(CallDetail, "The call"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const deps = callDeps(c.env, c.var.traceparent);
      const { id } = c.req.valid("param");
      return c.json(await callDetail(deps, id, c.var.principal.userId, c.req.valid("query").inviteCode), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/ice-servers",
      tags: ["calls"],
      summary: "Fresh ICE servers for the caller",
      description:
        "STUN always; TURN credentials from the configured provider (a Cloudflare TURN key, or a " +
        "coturn shared secret: username `expiry:userId`, password base64(HMAC-SHA1(secret, username))). " +
        "URLs on port 53 are left out (browsers refuse them).",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: CallIdParam, query: InviteQuery },
      responses: { 200: jsonResponse(IceServers, "ICE servers"), ...errorResponses(400, 401, 404, 503) },
    }),
    async (c) => {
      const deps = callDeps(c.env, c.var.traceparent);
      const { id } = c.req.valid("param");
      const servers = await iceServersForCall(
        deps,
        id,
        c.var.principal.userId,
        c.req.valid("query").inviteCode,
      );
      return c.json(servers, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["calls"],
      summary: "End the call for everyone (host)",
      description: "Everyone gets an `ended` frame and their socket closes with code 4000.",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: CallIdParam },
      responses: { 204: { description: "Ended" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await endCall(callDeps(c.env, c.var.traceparent), c.req.valid("param").id, c.var.principal.userId);
      return c.body(null, 204);
    },
  );
