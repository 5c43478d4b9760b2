import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, ErrorSchema, errorResponses, jsonResponse } from "../../../../lib/openapi";
import { serveContent } from "../content";
import { mediaDeps } from "../deps";
import { deleteOwnMedia, mediaMetadata, uploadFile } from "../media";
import { fileBody, fileResponse } from "../openapi";
import { Media, MediaIdParam, VariantQuery } from "../schemas";

export const mediaRoutes = createRouter<MediaEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["media"],
      summary: "Upload a file of up to 100 MiB in one request",
      description:
        "The body is the file itself, with its `content-type` and `content-length`. The bytes must be " +
        "what the type says (JPEG, PNG, WebP, GIF, AVIF, MP4 or WebM). Larger files: `/v1/media/uploads`.",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: fileBody("The file's bytes") },
      responses: {
        201: jsonResponse(Media, "The stored file"),
        ...errorResponses(400, 401, 409, 413, 415),
      },
    }),
    async (c) => {
      const media = await uploadFile(mediaDeps(c.env), c.var.principal.userId, {
        contentType: c.req.header("content-type"),
        contentLength: c.req.header("content-length"),
        body: c.req.raw.body,
      });
      return c.json(media, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["media"],
      summary: "A media's type, size and dimensions (public)",
      request: { params: MediaIdParam },
      responses: { 200: jsonResponse(Media, "The media"), ...errorResponses(400, 404) },
    }),
    async (c) => c.json(await mediaMetadata(mediaDeps(c.env), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/content",
      tags: ["media"],
      summary: "The bytes of a media, or of an image variant (public)",
      description:
        "Supports `Range` (one range, including `bytes=-N`), `If-Range` and `If-None-Match`. With `?variant=`, images " +
        "come in AVIF or WebP when `Accept` names them, else PNG (from PNG) or JPEG.",
      request: { params: MediaIdParam, query: VariantQuery },
      responses: {
        200: fileResponse("The whole file"),
        206: fileResponse("The requested range (see content-range)"),
        304: { description: "Not modified (If-None-Match)" },
        416: {
          description: "The range starts at or past the end (content-range: bytes */size)",
          content: { "application/json": { schema: ErrorSchema } },
        },
        ...errorResponses(400, 404, 415),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return serveContent(mediaDeps(c.env), id, c.req.valid("query").variant, {
        request: c.req.raw,
        requestId: c.var.requestId,
      });
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["media"],
      summary: "Delete my media, its file and its variants",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: MediaIdParam },
      responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const events = { actorId: c.var.principal.userId, traceparent: c.var.traceparent };
      await deleteOwnMedia(mediaDeps(c.env, c.executionCtx), events, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
