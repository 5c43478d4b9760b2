import type { Context } from "hono";
import { bearerToken } from "../../../../lib/auth/authenticator";
import { AppError } from "../../../../lib/errors";
import type { Identity } from "../../../../lib/service";

/**
 * Checks the request's bearer token once, here, for every service behind the gateway. A bad token
 * does not end the request: the outcome travels with it, and the service refuses it only on
 * routes that look at the caller (a login with a stale token attached still works).
 */
export async function identify(c: Context): Promise<Identity> {
  let token: string | null;
  try {
    token = bearerToken(c.req.header("authorization"));
    if (token === null) return { status: "anonymous" };
    const principal = await c.get("authenticator")().authenticate(token);
    return { status: "authenticated", principal };
  } catch (error) {
    if (error instanceof AppError && error.code === "unauthorized") {
      return { status: "rejected", message: error.message };
    }
    throw error;
  }
}
