import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { AppError } from "../../../../lib/errors";
import { base64url, newId } from "../../../../lib/ids";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { deleteExpoTokens, deleteSubscription, saveExpoToken, saveSubscription } from "../db/targets";
import { notificationDeps } from "../deps";
import {
  ExpoTokenBody,
  ExpoTokenParam,
  PushSubscriptionBody,
  SubscriptionCreated,
  SubscriptionIdParam,
  VapidKey,
} from "../schemas";

/** Devices: browser push subscriptions and Expo push tokens. */
export const pushRoutes = createRouter<NotificationsEnv>()
  .openapi(
    createRoute({
      method: "get",
      path: "/vapid-public-key",
      tags: ["push"],
      summary: "The applicationServerKey for PushManager.subscribe()",
      responses: { 200: jsonResponse(VapidKey, "The VAPID public key, base64url"), ...errorResponses(503) },
    }),
    async (c) => {
      const keys = notificationDeps(c.env).providers.webPush;
      if (!keys) throw new AppError("unavailable", "web push is not configured on this server");
      return c.json({ publicKey: base64url(keys.publicKey) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/subscriptions",
      tags: ["push"],
      summary: "Register this browser's PushSubscription",
      description: "Saving an endpoint again replaces it (one browser profile, one subscription).",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(PushSubscriptionBody) },
      responses: { 201: jsonResponse(SubscriptionCreated, "Saved"), ...errorResponses(400, 401, 415) },
    }),
    async (c) => {
      const deps = notificationDeps(c.env);
      const { endpoint, keys } = c.req.valid("json");
      const saved = await saveSubscription(deps.db, {
        id: newId("psb"),
        userId: c.var.principal.userId,
        endpoint,
        p256dh: keys.p256dh.replace(/=+$/, ""),
        auth: keys.auth.replace(/=+$/, ""),
        createdAt: deps.now,
      });
      return c.json({ id: saved.id }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/subscriptions/{id}",
      tags: ["push"],
      summary: "Remove one of my push subscriptions",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: SubscriptionIdParam },
      responses: { 204: { description: "Removed" }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      const removed = await deleteSubscription(
        notificationDeps(c.env).db,
        c.req.valid("param").id,
        c.var.principal.userId,
      );
      if (!removed) throw new AppError("not_found", "no such subscription");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/expo-tokens",
      tags: ["push"],
      summary: "Register this device's Expo push token",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(ExpoTokenBody) },
      responses: { 204: { description: "Saved" }, ...errorResponses(400, 401, 415) },
    }),
    async (c) => {
      const deps = notificationDeps(c.env);
      await saveExpoToken(deps.db, c.var.principal.userId, c.req.valid("json").token, deps.now);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/expo-tokens/{token}",
      tags: ["push"],
      summary: "Remove one of my Expo push tokens (URL-encoded)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: ExpoTokenParam },
      responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const removed = await deleteExpoTokens(
        notificationDeps(c.env).db,
        [c.req.valid("param").token],
        c.var.principal.userId,
      );
      if (removed === 0) throw new AppError("not_found", "no such token");
      return c.body(null, 204);
    },
  );
