import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { requireUser } from "../../../../lib/auth/middleware";
import { BEARER, errorResponses, jsonBody, jsonResponse } from "../../../../lib/openapi";
import { PageQuery } from "../../../../lib/pagination";
import {
  addMembers,
  conversationDetail,
  createConversation,
  listConversations,
  removeMember,
} from "../conversations";
import { messagingDeps } from "../deps";
import {
  ConversationDetail,
  ConversationIdParam,
  ConversationPage,
  MemberParam,
  NewConversation,
  NewMembers,
} from "../schemas";

export const conversationRoutes = createRouter<MessagingEnv>()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["messaging"],
      summary: "Start a conversation (direct with one other person, else a group)",
      description:
        "Creating the direct conversation of a pair that has one already returns that one (200), " +
        "with both people in it again.",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(NewConversation) },
      responses: {
        201: jsonResponse(ConversationDetail, "The new conversation"),
        200: jsonResponse(ConversationDetail, "The pair's existing direct conversation"),
        ...errorResponses(400, 401, 403, 415),
      },
    }),
    async (c) => {
      const { created, conversation } = await createConversation(
        messagingDeps(c.env),
        c.var.principal.userId,
        c.req.valid("json"),
      );
      return created ? c.json(conversation, 201) : c.json(conversation, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["messaging"],
      summary: "My conversations, most recently active first",
      description: "Last message and unread counts are those of the rooms' last index sync (about 1 s).",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { query: PageQuery },
      responses: {
        200: jsonResponse(ConversationPage, "A page of conversations"),
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(
        await listConversations(messagingDeps(c.env), c.var.principal.userId, limit, cursor),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["messaging"],
      summary: "A conversation and its members (members only)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: ConversationIdParam },
      responses: {
        200: jsonResponse(ConversationDetail, "The conversation"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const detail = await conversationDetail(
        messagingDeps(c.env),
        c.req.valid("param").id,
        c.var.principal.userId,
      );
      return c.json(detail, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/members",
      tags: ["messaging"],
      summary: "Add people to a group (members; at most 100 members in all)",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: ConversationIdParam, body: jsonBody(NewMembers) },
      responses: {
        200: jsonResponse(ConversationDetail, "The conversation with its members now"),
        ...errorResponses(400, 401, 403, 404, 409, 415),
      },
    }),
    async (c) => {
      const detail = await addMembers(
        messagingDeps(c.env),
        c.req.valid("param").id,
        c.var.principal.userId,
        c.req.valid("json").handles,
      );
      return c.json(detail, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/members/{userId}",
      tags: ["messaging"],
      summary: "Leave (your own id), or remove someone (the group's creator)",
      description: "The member's sockets close at once with code 4003.",
      security: BEARER,
      middleware: [requireUser()] as const,
      request: { params: MemberParam },
      responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      await removeMember(messagingDeps(c.env), id, c.var.principal.userId, userId);
      return c.body(null, 204);
    },
  );
