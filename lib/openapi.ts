import { z } from "@hono/zod-openapi";
import { type ErrorCode, STATUS_BY_CODE } from "./errors";

/** The standard error body, as the OpenAPI document shows it. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is malformed or fails validation",
  401: "Missing, invalid or expired credentials",
  403: "Not allowed for this caller",
  404: "No such resource",
  409: "Conflicts with existing state",
  413: "The body is too large",
  415: "The body's type is not accepted",
  416: "The range asked for is past the end (content-range: bytes */size)",
  429: "Too many requests; see retry-after",
  503: "A dependency is unavailable",
};

/** The error responses a route can give, for its OpenAPI description. */
export function errorResponses(...statuses: (keyof typeof ERROR_DESCRIPTIONS)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: ErrorSchema } },
      },
    ]),
  );
}

/** A required JSON request body. Schemas should be strict, so unknown fields are refused. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    description,
    content: { "application/json": { schema } },
  } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** Marks a route as needing a bearer access token, in the OpenAPI document. */
export const BEARER = [{ bearerAuth: [] }];

/** Registers the bearer scheme that BEARER refers to. */
export const BEARER_SCHEME = {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
  description: "An access token from /v1/auth/login, /register or /refresh",
} as const;
