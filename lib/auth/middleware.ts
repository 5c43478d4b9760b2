import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import { bearerToken } from "./authenticator";
import type { Principal } from "./claims";

/**
 * The caller of this request. Through the gateway the token was checked there once, and its
 * outcome arrives with the request; a request that reached the service directly is checked here.
 */
async function resolveCaller(c: Context): Promise<Principal | null> {
  const forwarded = c.get("forwarded");
  if (forwarded) {
    const { identity } = forwarded;
    if (identity.status === "rejected") throw new AppError("unauthorized", identity.message);
    return identity.status === "authenticated" ? identity.principal : null;
  }
  const token = bearerToken(c.req.header("authorization"));
  return token === null ? null : c.get("authenticator")().authenticate(token);
}

/** Routes that need a signed-in caller: 401 without a valid token; sets `principal`. */
export function requireUser(): MiddlewareHandler {
  return async function requireUserMiddleware(c, next) {
    const caller = await resolveCaller(c);
    if (!caller) throw new AppError("unauthorized", "sign in to do this");
    c.set("principal", caller);
    await next();
  };
}

/** Routes that read differently for a signed-in caller; sets `viewer` (null when anonymous). */
export function optionalUser(): MiddlewareHandler {
  return async function optionalUserMiddleware(c, next) {
    c.set("viewer", await resolveCaller(c));
    await next();
  };
}
