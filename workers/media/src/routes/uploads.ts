import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { mediaDeps } from "../deps";
import { fileBody } from "../openapi";
import {
  CreatedUpload,
  Media,
  NewUpload,
  PartParam,
  ReceivedPart,
  UploadIdParam,
  UploadStatus,
} from "../schemas";
import { abortUpload, completeUpload, putPart, startUpload, uploadStatus } from "../uploads";

/** Resumable uploads of large files: start, send parts (any order, again if lost), complete. */
export const uploadRoutes = createRouter<MediaEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/uploads",
      tags: ["media uploads"],
      summary: "Start a resumable upload",
      description: "Reserves `size` bytes of my quota for a day (renewed by every part).",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(NewUpload) },
      responses: {
        201: jsonResponse(CreatedUpload, "Send parts of `partSize` bytes, numbered from 1"),
        ...errorResponses(400, 401, 413, 415),
      },
    }),
    async (c) =>
      c.json(await startUpload(mediaDeps(c.env), c.var.principal.userId, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/uploads/{uploadId}",
      tags: ["media uploads"],
      summary: "An upload's progress: the parts received, to resume",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: UploadIdParam },
      responses: { 200: jsonResponse(UploadStatus, "The upload"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { uploadId } = c.req.valid("param");
      return c.json(await uploadStatus(mediaDeps(c.env), c.var.principal.userId, uploadId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/uploads/{uploadId}/parts/{n}",
      tags: ["media uploads"],
      summary: "Send part n (exactly partSize bytes, except the last)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: PartParam, body: fileBody("The part's bytes") },
      responses: {
        200: jsonResponse(ReceivedPart, "Stored"),
        ...errorResponses(400, 401, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const { uploadId, n } = c.req.valid("param");
      const part = await putPart(mediaDeps(c.env), c.var.principal.userId, uploadId, n, {
        contentLength: c.req.header("content-length"),
        body: c.req.raw.body,
      });
      return c.json(part, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/uploads/{uploadId}/complete",
      tags: ["media uploads"],
      summary: "Join the parts into the file",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: UploadIdParam },
      responses: {
        200: jsonResponse(Media, "The stored file (the same again if completed twice)"),
        ...errorResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const { uploadId } = c.req.valid("param");
      return c.json(await completeUpload(mediaDeps(c.env), c.var.principal.userId, uploadId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/uploads/{uploadId}",
      tags: ["media uploads"],
      summary: "Abandon an upload; its parts are dropped and its quota freed",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: UploadIdParam },
      responses: { 204: { description: "Aborted" }, ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      await abortUpload(mediaDeps(c.env), c.var.principal.userId, c.req.valid("param").uploadId);
      return c.body(null, 204);
    },
  );
