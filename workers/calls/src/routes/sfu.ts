import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { callDeps } from "../deps";
import {
  CallIdParam,
  CloseTracks,
  NewSfuSession,
  NewTracks,
  Renegotiation,
  SfuAnswer,
  SfuSessionParam,
} from "../schemas";
import { addSfuTracks, closeSfuTracks, openSfuSession, renegotiateSfu } from "../sfu-sessions";

const TAGS = ["calls: SFU"];
const DESCRIPTION =
  "For members connected to an SFU call. The request and the answer are the Cloudflare Realtime " +
  "API's own; this service adds the app credentials and checks who may act on which session.";

const SFU_ERRORS = errorResponses(400, 401, 403, 404, 409, 415, 503);

export const sfuRoutes = createRouter<CallsEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/sfu/sessions",
      tags: TAGS,
      summary: "Open my SFU session",
      description: DESCRIPTION,
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: CallIdParam, body: jsonBody(NewSfuSession) },
      responses: {
        201: jsonResponse(SfuAnswer, "The session (sessionId, and an answer to an offer if one was sent)"),
        ...SFU_ERRORS,
      },
    }),
    async (c) => {
      const deps = callDeps(c.env, c.var.traceparent);
      const answer = await openSfuSession(
        deps,
        c.req.valid("param").id,
        c.var.principal.userId,
        c.req.valid("json"),
      );
      return c.json(answer, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/sfu/sessions/{sessionId}/tracks",
      tags: TAGS,
      summary: "Publish my tracks, or pull others' tracks",
      description: `${DESCRIPTION} Published tracks appear in everyone's roster.`,
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: SfuSessionParam, body: jsonBody(NewTracks) },
      responses: {
        200: jsonResponse(SfuAnswer, "The SFU's answer"),
        ...SFU_ERRORS,
      },
    }),
    async (c) => {
      const { id, sessionId } = c.req.valid("param");
      const deps = callDeps(c.env, c.var.traceparent);
      return c.json(
        await addSfuTracks(deps, id, c.var.principal.userId, sessionId, c.req.valid("json")),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/sfu/sessions/{sessionId}/renegotiate",
      tags: TAGS,
      summary: "Answer the SFU's renegotiation",
      description: DESCRIPTION,
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: SfuSessionParam, body: jsonBody(Renegotiation) },
      responses: {
        200: jsonResponse(SfuAnswer, "The SFU's answer"),
        ...SFU_ERRORS,
      },
    }),
    async (c) => {
      const { id, sessionId } = c.req.valid("param");
      const deps = callDeps(c.env, c.var.traceparent);
      return c.json(
        await renegotiateSfu(deps, id, c.var.principal.userId, sessionId, c.req.valid("json")),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/sfu/sessions/{sessionId}/tracks/close",
      tags: TAGS,
      summary: "Close tracks of my session",
      description: `${DESCRIPTION} Closed published tracks leave everyone's roster.`,
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: SfuSessionParam, body: jsonBody(CloseTracks) },
      responses: {
        200: jsonResponse(SfuAnswer, "The SFU's answer"),
        ...SFU_ERRORS,
      },
    }),
    async (c) => {
      const { id, sessionId } = c.req.valid("param");
      const deps = callDeps(c.env, c.var.traceparent);
      return c.json(
        await closeSfuTracks(deps, id, c.var.principal.userId, sessionId, c.req.valid("json")),
        200,
      );
    },
  );
