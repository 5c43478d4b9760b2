import { z } from "@hono/zod-openapi";
import { lineText } from "../../../lib/text";

const Email = z.email().max(254).openapi({ example: "ada@example.com" });
const Password = z.string().min(8).max(128).openapi({ example: "correct horse battery" });
const RefreshToken = z
  .string()
  .min(32)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "a refresh token")
  .openapi({ example: "q1Xo6k2b3n_Lr0tS9bC7dH4eF5gJ8kM2nP6qR1sT3uV" });

export const Registration = z
  .strictObject({
    email: Email,
    password: Password,
    handle: z
      .string()
      .regex(/^[a-z0-9_]{3,30}$/, "3 to 30 characters: a-z, 0-9 and _")
      .openapi({ example: "ada_l" }),
    displayName: lineText(50).optional().openapi({ example: "Ada Lovelace" }),
  })
  .openapi("Registration");
export type Registration = z.infer<typeof Registration>;

export const Login = z.strictObject({ email: Email, password: z.string().min(1).max(128) }).openapi("Login");
export type Login = z.infer<typeof Login>;

export const RefreshRequest = z.strictObject({ refreshToken: RefreshToken }).openapi("RefreshRequest");

export const PasswordChange = z
  .strictObject({ currentPassword: z.string().min(1).max(128), newPassword: Password })
  .openapi("PasswordChange");

export const SignedIn = z
  .object({
    user: z.object({ id: z.string(), handle: z.string(), displayName: z.string() }),
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
  })
  .openapi("SignedIn");

export const TokenPair = SignedIn.omit({ user: true }).openapi("TokenPair");

export const Session = z
  .object({
    id: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi("Session");

export const SessionList = z.object({ items: z.array(Session) }).openapi("SessionList");

export const SessionIdParam = z.object({
  id: z
    .string()
    .regex(/^ses_[0-9A-HJKMNP-TV-Z]{26}$/, "a session id")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const Jwks = z
  .object({ keys: z.array(z.looseObject({ kty: z.string().optional(), kid: z.string().optional() })) })
  .openapi("Jwks");
