import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { PageQuery } from "../../../../lib/pagination";
import { notificationDeps } from "../deps";
import { listNotifications, readNotifications } from "../notifications";
import { PreferencesUpdate, PreferencesView } from "../preferences";
import { NotificationPage, ReadBody, ReadResult } from "../schemas";
import { preferencesOf, updatePreferences } from "../settings";

export const notificationRoutes = createRouter<NotificationsEnv>()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["notifications"],
      summary: "My notifications, latest activity first, and how many are unread",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(NotificationPage, "A page of notifications"),
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(
        await listNotifications(notificationDeps(c.env), c.var.principal.userId, limit, cursor),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/read",
      tags: ["notifications"],
      summary: "Mark notifications read: `{ids}` or `{all: true}`",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(ReadBody) },
      responses: {
        200: jsonResponse(ReadResult, "How many changed, and the unread count"),
        ...errorResponses(400, 401, 415),
      },
    }),
    async (c) => {
      const deps = notificationDeps(c.env);
      return c.json(
        await readNotifications(deps.db, c.var.principal.userId, c.req.valid("json"), deps.now),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/preferences",
      tags: ["notifications"],
      summary: "My preferences: per type, the channels it may use",
      security: BEARER,
      middleware: [requireUser()] as const,
      responses: { 200: jsonResponse(PreferencesView, "Preferences"), ...errorResponses(401) },
    }),
    async (c) => c.json(await preferencesOf(notificationDeps(c.env).db, c.var.principal.userId), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/preferences",
      tags: ["notifications"],
      summary: "Change some preferences (and the SMS number)",
      description:
        "Types and channels left out keep their setting. Email and SMS exist for `message` and `security` only.",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(PreferencesUpdate) },
      responses: {
        200: jsonResponse(PreferencesView, "The preferences now"),
        ...errorResponses(400, 401, 415),
      },
    }),
    async (c) => {
      const db = notificationDeps(c.env).db;
      return c.json(await updatePreferences(db, c.var.principal.userId, c.req.valid("json")), 200);
    },
  );
